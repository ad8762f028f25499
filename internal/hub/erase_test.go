package hub

import (
	"context"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// TestAccountDeletedEndsSubscriptions: the subscriptions to a deleted
// person's events and notifications end; others go on.
func TestAccountDeletedEndsSubscriptions(t *testing.T) {
	h := New(0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gone, other := domain.NewID(), domain.NewID()
	events, notes, kept := h.Subscribe(ctx, stream.Person(gone)), h.Subscribe(ctx, stream.Recipient(gone)), h.Subscribe(ctx, stream.Person(other))
	cmd, err := domain.NewCommand(domain.CmdDeleteAccount, gone, struct{}{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := domain.NewEventForTest(cmd, domain.EvAccountDeleted, time.Now(), domain.AccountDeletedData{PersonID: gone})
	if err != nil {
		t.Fatal(err)
	}
	h.Publish(ev)
	for name, ch := range map[string]<-chan stream.Message{"personEvents": events, "notifications": notes} {
		deadline := time.After(5 * time.Second)
	drain:
		for {
			select {
			case _, open := <-ch:
				if !open {
					break drain
				}
			case <-deadline:
				t.Fatalf("%s of the deleted person not ended", name)
			}
		}
	}
	if h.Count() != 1 {
		t.Fatalf("%d subscriptions left, want the other person's", h.Count())
	}
	select {
	case _, open := <-kept:
		t.Fatalf("another person's subscription touched (open: %v)", open)
	default:
	}
}
