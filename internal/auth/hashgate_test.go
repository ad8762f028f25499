package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

var cheap = Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// useGate installs g and a hook that counts the hashes running at once
// and holds each until release is closed.
func useGate(t *testing.T, g *hashGate) (running, high *atomic.Int64, release chan struct{}) {
	t.Helper()
	running, high, release = new(atomic.Int64), new(atomic.Int64), make(chan struct{})
	oldGate, oldHook := gate, testHookHashing
	gate = g
	testHookHashing = func() {
		n := running.Add(1)
		for h := high.Load(); n > h && !high.CompareAndSwap(h, n); h = high.Load() {
		}
		<-release
		running.Add(-1)
	}
	t.Cleanup(func() { gate, testHookHashing = oldGate, oldHook })
	return running, high, release
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // polling a condition, not synchronising by delay
	}
}

// TestHashConcurrencyBounded: 20 sign-ins at once run at most the gate's
// number of argon2id hashes together; the rest wait, then all succeed.
func TestHashConcurrencyBounded(t *testing.T) {
	const slots, callers = 3, 20
	h, err := HashPassword(context.Background(), "correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	running, high, release := useGate(t, newHashGate(slots, callers, time.Minute))
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = HashPassword(context.Background(), "correct horse", cheap)
			} else {
				_, err = VerifyPassword(context.Background(), "correct horse", h)
			}
			errs <- err
		})
	}
	waitFor(t, "the slots to fill and the rest to queue", func() bool {
		return running.Load() == slots && gate.waiting.Load() == callers-slots
	})
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a queued hash failed: %v", err)
		}
	}
	if got := high.Load(); got > slots {
		t.Fatalf("%d hashes ran at once, bound is %d", got, slots)
	}
}

// TestHashOverflowRateLimited: past the queue, a sign-in is refused at
// once as RATE_LIMITED with a retry hint; a queued one that waits too long
// is refused the same way.
func TestHashOverflowRateLimited(t *testing.T) {
	running, _, release := useGate(t, newHashGate(1, 2, 50*time.Millisecond))
	var wg sync.WaitGroup
	defer func() { close(release); wg.Wait() }()
	wg.Go(func() { _, _ = HashPassword(context.Background(), "pw", cheap) })
	waitFor(t, "the slot to fill", func() bool { return running.Load() == 1 })

	start := time.Now()
	_, err := HashPassword(context.Background(), "pw", cheap)
	assertBusy(t, "queued past the wait", err)
	if waited := time.Since(start); waited < 50*time.Millisecond || waited > 5*time.Second {
		t.Fatalf("refused after %v, want after the 50ms wait", waited)
	}

	// Fill the queue, then one more is refused without waiting.
	gate.maxWait = time.Minute
	for range 2 {
		wg.Go(func() {
			_, _ = VerifyPassword(context.Background(), "pw", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5")
		})
	}
	waitFor(t, "the queue to fill", func() bool { return gate.waiting.Load() == 2 })
	start = time.Now()
	_, err = VerifyPassword(context.Background(), "pw", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5")
	assertBusy(t, "queue full", err)
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("a full queue made the caller wait %v", waited)
	}
}

func assertBusy(t *testing.T, what string, err error) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindRateLimited || de.RetryAfter <= 0 {
		t.Fatalf("%s: %v, want RATE_LIMITED with a retry hint", what, err)
	}
}
