package auth

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// argon2id at the default cost takes 19 MiB and a core for tens of
// milliseconds: a burst of sign-ins hashing all at once would exhaust
// memory. The gate lets GOMAXPROCS hashes run (more would not finish
// sooner), queues a few dozen more for a short while, and refuses the rest
// as RATE_LIMITED, so the cost of a burst is bounded and the client is told
// when to come back. A queued caller holds a goroutine, not a hash's memory.
const (
	hashQueue   = 32
	hashMaxWait = time.Second
)

// hashGate is a counting semaphore with a bounded, time-limited queue.
type hashGate struct {
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	maxWait    time.Duration
}

func newHashGate(slots, maxWaiting int, maxWait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, slots), maxWaiting: int64(maxWaiting), maxWait: maxWait}
}

// gate is process-wide: the bound is on the process's memory, whoever
// hashes. Tests replace it.
var gate = newHashGate(runtime.GOMAXPROCS(0), hashQueue, hashMaxWait)

// testHookHashing, when set, runs while a hash holds its slot.
var testHookHashing func()

// errBusy is the answer when the gate is full.
var errBusy = &domain.Error{Kind: domain.KindRateLimited,
	Message: fmt.Sprintf("too many sign-ins at once; retry in %d s", int(hashMaxWait.Seconds())), RetryAfter: hashMaxWait}

// enter takes a slot, waiting at most maxWait in a queue of maxWaiting;
// the returned func gives it back.
func (g *hashGate) enter(ctx context.Context) (func(), error) {
	release := func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	if g.waiting.Add(1) > g.maxWaiting {
		g.waiting.Add(-1)
		return nil, errBusy
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.maxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting to hash a password: %w", ctx.Err())
	}
}

// hashing runs fn in a slot of the gate.
func hashing(ctx context.Context, fn func()) error {
	release, err := gate.enter(ctx)
	if err != nil {
		return err
	}
	defer release()
	if testHookHashing != nil {
		testHookHashing()
	}
	fn()
	return nil
}
