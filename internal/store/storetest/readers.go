package storetest

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// testFollowing covers the outgoing side of follows, which the follow
// rules test reads only from the followers' side.
func testFollowing(t *testing.T, s store.GraphStore) {
	a, b, c := register(t, s, "A"), register(t, s, "B"), register(t, s, "C")
	exec(t, s, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
	exec(t, s, domain.CmdFollow, a, domain.FollowPayload{PersonID: c})
	exec(t, s, domain.CmdFollow, c, domain.FollowPayload{PersonID: b})
	pages, err := s.Following(ctx(t), []string{a, b, c}, store.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(pages[a]); pages[a].TotalCount != 2 || len(got) != 2 || !got[b] || !got[c] {
		t.Fatalf("a follows b and c: %+v", pages[a])
	}
	if pages[b].TotalCount != 0 || len(pages[b].Persons) != 0 {
		t.Fatalf("b follows nobody: %+v", pages[b])
	}
	if got := ids(pages[c]); pages[c].TotalCount != 1 || !got[b] || len(got) != 1 {
		t.Fatalf("c follows b: %+v", pages[c])
	}
	first, err := s.Following(ctx(t), []string{a}, store.Page{First: 1})
	if err != nil || len(first[a].Persons) != 1 || !first[a].HasNext || first[a].TotalCount != 2 {
		t.Fatalf("first page of a's follows: %+v %v", first[a], err)
	}
	rest, err := s.Following(ctx(t), []string{a}, store.Page{First: 1, After: first[a].Persons[0].ID})
	if err != nil || len(rest[a].Persons) != 1 || rest[a].HasNext || rest[a].Persons[0].ID == first[a].Persons[0].ID {
		t.Fatalf("second page of a's follows: %+v %v", rest[a], err)
	}
}

func ids(p store.PersonPage) map[string]bool {
	out := map[string]bool{}
	for _, x := range p.Persons {
		out[x.ID] = true
	}
	return out
}

// testEmptyAndReady: a working store is ready, and is not empty once a
// person registers. (That a fresh store starts empty is FreshIsEmpty.)
func testEmptyAndReady(t *testing.T, s store.GraphStore) {
	if err := s.Ready(ctx(t)); err != nil {
		t.Fatalf("a working store is not ready: %v", err)
	}
	register(t, s, "A")
	if empty, err := s.Empty(ctx(t)); err != nil || empty {
		t.Fatalf("store with a person reports empty (%v)", err)
	}
}

// FreshIsEmpty checks a store made for this test alone: empty until a
// person registers. Only stores that are not shared can run it.
func FreshIsEmpty(t *testing.T, s store.GraphStore) {
	if empty, err := s.Empty(ctx(t)); err != nil || !empty {
		t.Fatalf("a fresh store is not empty (%v)", err)
	}
	testEmptyAndReady(t, s)
}

// testLedgerExact: on a store that starts empty the ledger is stated
// exactly; on a shared one (other tests write concurrently) its totals
// grow by at least what this test minted and balances still add up to
// the supply minted so far.
func testLedgerExact(t *testing.T, s store.GraphStore) {
	empty, err := s.Empty(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.Ledger(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	a, b := register(t, s, "A"), register(t, s, "B")
	if out := transfer(t, s, a, b, 30); out.Status != domain.StatusApplied {
		t.Fatalf("transfer: %+v", out)
	}
	l, err := s.Ledger(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if empty {
		if want := (store.Ledger{TotalSupply: 200, BalanceSum: 200, Accounts: 2, Transfers: 1}); l != want {
			t.Fatalf("ledger: got %+v, want %+v", l, want)
		}
		return
	}
	// A shared database: other tests register, transfer and delete
	// accounts (burning their coins) at the same time, so the totals only
	// say that the transfer record was added; the two persons' balances are
	// this test's own and exact.
	if l.Transfers-before.Transfers < 1 {
		t.Fatalf("no transfer record added: before %+v, after %+v", before, l)
	}
	if pa, pb := person(t, s, a), person(t, s, b); pa.Balance != 70 || pb.Balance != 130 {
		t.Fatalf("balances after a transfer of 30: A %d, B %d; want 70 and 130", pa.Balance, pb.Balance)
	}
}
