package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

func transfer(t *testing.T, s store.GraphStore, from, to string, amount int64) domain.Outcome {
	t.Helper()
	return exec(t, s, domain.CmdTransferCoins, from, domain.TransferPayload{To: to, Amount: amount, Memo: "thanks"})
}

func balance(t *testing.T, s store.GraphStore, id string) int64 {
	t.Helper()
	return person(t, s, id).Balance
}

func testCoins(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	if balance(t, s, a) != 100 || balance(t, s, b) != 100 {
		t.Fatalf("welcome grant: %d %d", balance(t, s, a), balance(t, s, b))
	}
	if out := transfer(t, s, a, b, 30); out.Status != domain.StatusApplied {
		t.Fatalf("transfer: %+v", out)
	}
	if balance(t, s, a) != 70 || balance(t, s, b) != 130 {
		t.Fatalf("after transfer: %d %d", balance(t, s, a), balance(t, s, b))
	}
	if out := transfer(t, s, a, b, 71); out.Status != domain.StatusRejected || out.Reason != domain.ReasonInsufficientFunds || len(out.Events) != 0 {
		t.Fatalf("overdraft: %+v", out)
	}
	if out := transfer(t, s, a, domain.NewID(), 1); out.Reason != domain.ReasonRecipientNotFound {
		t.Fatalf("unknown recipient: %+v", out)
	}
	if balance(t, s, a) != 70 {
		t.Fatalf("a rejected transfer moved coins: %d", balance(t, s, a))
	}
	page, err := s.Transfers(ctx(t), a, store.Page{First: 10})
	if err != nil || page.TotalCount != 2 || len(page.Transfers) != 2 {
		t.Fatalf("a's ledger: %+v %v", page, err)
	}
	sent, grant := page.Transfers[0], page.Transfers[1]
	if sent.Kind != domain.TransferKind || sent.From != a || sent.To != b || sent.Amount != 30 || sent.Memo != "thanks" || sent.At.IsZero() {
		t.Fatalf("newest record should be the transfer: %+v", sent)
	}
	if grant.Kind != domain.GrantKind || grant.From != "" || grant.To != a || grant.Amount != 100 {
		t.Fatalf("oldest record should be the grant: %+v", grant)
	}
	next, err := s.Transfers(ctx(t), a, store.Page{First: 1, After: sent.ID})
	if err != nil || len(next.Transfers) != 1 || next.Transfers[0].ID != grant.ID || next.HasNext {
		t.Fatalf("second page: %+v %v", next, err)
	}
	l, err := s.Ledger(ctx(t))
	if err != nil || l.TotalSupply < 200 || l.Transfers < 1 || l.Accounts < 2 {
		t.Fatalf("ledger: %+v %v", l, err)
	}
}

// testConcurrentSpending races transfers of the same coins: the store's
// guard lets exactly as many through as the balance covers.
func testConcurrentSpending(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	var wg sync.WaitGroup
	results := make(chan domain.Outcome, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd, _ := domain.NewCommand(domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 15}, time.Now())
			out, _, err := s.Execute(ctx(t), cmd, domain.Decide)
			if err != nil {
				t.Errorf("execute: %v", err)
			}
			results <- out
		}()
	}
	wg.Wait()
	close(results)
	applied := 0
	for out := range results {
		switch {
		case out.Status == domain.StatusApplied:
			applied++
		case out.Reason != domain.ReasonInsufficientFunds:
			t.Errorf("unexpected outcome %+v", out)
		}
	}
	if applied != 6 {
		t.Fatalf("%d transfers of 15 from 100 applied, want 6", applied)
	}
	if balance(t, s, a) != 10 || balance(t, s, b) != 190 {
		t.Fatalf("balances %d/%d, want 10/190", balance(t, s, a), balance(t, s, b))
	}
	page, _ := s.Transfers(ctx(t), b, store.Page{First: 100})
	if page.TotalCount != 7 { // the grant and six transfers
		t.Fatalf("b's records: %d, want 7", page.TotalCount)
	}
}

// testTransferAfterLostRecord: a transfer command whose ledger record exists
// but whose command record does not (a graph rebuilt from events) is
// applied once, not twice and not refused.
func testTransferAfterLostRecord(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	cmd, _ := domain.NewCommand(domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 10}, time.Now())
	out, err := domain.Decide(ctx(t), stateless{}, cmd, time.Now())
	if err != nil || len(out.Events) != 1 {
		t.Fatalf("decide: %+v %v", out, err)
	}
	if err := s.ApplyEvents(ctx(t), out.Events); err != nil { // as a rebuild would
		t.Fatal(err)
	}
	again, replayed, err := s.Execute(ctx(t), cmd, domain.Decide)
	if err != nil || replayed || again.Status != domain.StatusApplied {
		t.Fatalf("redelivered after rebuild: %+v %v %v", again, replayed, err)
	}
	if balance(t, s, a) != 90 || balance(t, s, b) != 110 {
		t.Fatalf("balances %d/%d, want 90/110: the transfer moved twice or not at all", balance(t, s, a), balance(t, s, b))
	}
}

// stateless says every person exists; for deciding outside a store.
type stateless struct{}

func (stateless) PersonExists(context.Context, string) (bool, error)        { return true, nil }
func (stateless) Follows(context.Context, string, string) (bool, error)     { return false, nil }
func (stateless) HasInterest(context.Context, string, string) (bool, error) { return false, nil }
func (stateless) InterestCount(context.Context, string) (int, error)        { return 0, nil }
func (stateless) FollowingCount(context.Context, string) (int, error)       { return 0, nil }
func (stateless) Related(context.Context, string, string, domain.Relation) (bool, error) {
	return false, nil
}
func (stateless) HasNotification(context.Context, string, string) (bool, error) { return false, nil }
