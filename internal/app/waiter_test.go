package app

import (
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// TestTwoWaitersOfOneCommand: a mutation retried with its Idempotency-Key
// while the first attempt still waits is the same command; both requests
// get its outcome, and one giving up takes nothing from the other.
func TestTwoWaitersOfOneCommand(t *testing.T) {
	w := NewWaiter()
	first, cancelFirst := w.Expect("c1")
	second, cancelSecond := w.Expect("c1")
	defer cancelSecond()
	third, cancelThird := w.Expect("c1")
	cancelThird() // gave up before the outcome
	cancelFirst()
	w.Deliver(domain.Outcome{CommandID: "c1", Status: domain.StatusApplied})
	select {
	case out := <-second:
		if out.Status != domain.StatusApplied {
			t.Fatalf("second waiter got %+v", out)
		}
	default:
		t.Fatal("the second waiter got nothing after the first gave up")
	}
	for name, ch := range map[string]<-chan domain.Outcome{"first": first, "third": third} {
		select {
		case out := <-ch:
			t.Fatalf("the %s waiter, which gave up, got %+v", name, out)
		default:
		}
	}
	w.Deliver(domain.Outcome{CommandID: "c1"}) // nobody waits: no block, no panic
}

// TestKeyNamesOneMutation: under one Idempotency-Key the same mutation is
// the same command, and another mutation another command.
func TestKeyNamesOneMutation(t *testing.T) {
	actor := domain.NewID()
	id := func(typ domain.CommandType, payload any) string {
		t.Helper()
		ctx := WithIdempotencyKey(t.Context(), []string{"key-1"})
		cmd, err := domain.NewCommand(typ, actor, payload, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := applyIdempotencyKey(ctx, &cmd); err != nil {
			t.Fatal(err)
		}
		return cmd.ID
	}
	follow := id(domain.CmdFollow, domain.FollowPayload{PersonID: "p"})
	if again := id(domain.CmdFollow, domain.FollowPayload{PersonID: "p"}); again != follow {
		t.Fatalf("a retry is another command: %s != %s", again, follow)
	}
	if other := id(domain.CmdFollow, domain.FollowPayload{PersonID: "q"}); other == follow {
		t.Fatal("the same key on a follow of someone else is the first follow")
	}
	if other := id(domain.CmdTransferCoins, domain.TransferPayload{To: "p", Amount: 100}); other == follow {
		t.Fatal("the same key on a transfer is the follow: the transfer would be answered with the follow's outcome")
	}
}
