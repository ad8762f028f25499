package app

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

type countingBus struct{ sent atomic.Int64 }

func (b *countingBus) SendCommand(context.Context, domain.Command) error {
	b.sent.Add(1)
	return nil
}

type noIdentity struct{ Identity }

func newTestApp(t *testing.T, perMinute int) (*Application, *countingBus) {
	t.Helper()
	bus := &countingBus{}
	a, err := New(Config{MutationsPerMinute: perMinute}, bus, NewWaiter(), memory.New(), noIdentity{}, &fakeStreams{})
	if err != nil {
		t.Fatal(err)
	}
	return a, bus
}

func as(personID string) context.Context {
	ctx := caller.WithIdentity(context.Background(), caller.Identity{PersonID: personID, Roles: []string{caller.RoleUser}, ExpiresAt: time.Now().Add(time.Hour)})
	return WithoutWaiting(ctx)
}

// TestMutationsPerPersonLimited: a person gets a burst of twice the
// per-minute rate, then RATE_LIMITED with a retry hint, and nothing more
// reaches the bus; another person is not affected.
func TestMutationsPerPersonLimited(t *testing.T) {
	a, bus := newTestApp(t, 3)
	script, human := domain.NewID(), domain.NewID()
	var limited error
	for i := range 10 {
		var err error
		switch i % 3 {
		case 0:
			_, err = a.Commands.AddInterest(as(script), AddInterest{Name: "go"})
		case 1:
			_, err = a.Commands.Follow(as(script), Follow{PersonID: human})
		default:
			_, err = a.Commands.TransferCoins(as(script), TransferCoins{To: human, Amount: 1})
		}
		if err != nil {
			limited = err
			if i < 6 {
				t.Fatalf("mutation %d refused within the burst of 6: %v", i, err)
			}
		}
	}
	var de *domain.Error
	if !errors.As(limited, &de) || de.Kind != domain.KindRateLimited || de.RetryAfter <= 0 || de.RetryAfter > time.Minute {
		t.Fatalf("past the burst: %v, want RATE_LIMITED with a retry hint", limited)
	}
	if n := bus.sent.Load(); n != 6 {
		t.Fatalf("%d commands sent, want the burst of 6", n)
	}
	if _, err := a.Commands.RemoveInterest(as(human), RemoveInterest{Name: "go"}); err != nil {
		t.Fatalf("another person is limited too: %v", err)
	}
}

// TestMutationLimitOff: 0 lifts the limit (benchmarks, tests that send
// many mutations as one person).
func TestMutationLimitOff(t *testing.T) {
	a, bus := newTestApp(t, 0)
	me := domain.NewID()
	for i := range 1000 {
		if _, err := a.Commands.AddInterest(as(me), AddInterest{Name: "go"}); err != nil {
			t.Fatalf("mutation %d refused with the limit off: %v", i, err)
		}
	}
	if n := bus.sent.Load(); n != 1000 {
		t.Fatalf("%d commands sent, want 1000", n)
	}
}
