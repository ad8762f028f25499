package app

import (
	"sync"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Waiter matches outcomes read from the outcomes topic to the mutations
// waiting for them in this gateway. Several requests may wait for one
// command: a mutation retried with its Idempotency-Key while the first
// attempt still waits is the same command, and both get its outcome.
type Waiter struct {
	mu      sync.Mutex
	waiting map[string]map[chan domain.Outcome]struct{}
}

// NewWaiter returns an empty waiter.
func NewWaiter() *Waiter { return &Waiter{waiting: map[string]map[chan domain.Outcome]struct{}{}} }

// Expect registers interest in the outcome of commandID; call it before the
// command is sent, and cancel when done waiting. cancel removes only this
// registration.
func (w *Waiter) Expect(commandID string) (<-chan domain.Outcome, func()) {
	ch := make(chan domain.Outcome, 1)
	w.mu.Lock()
	set := w.waiting[commandID]
	if set == nil {
		set = map[chan domain.Outcome]struct{}{}
		w.waiting[commandID] = set
	}
	set[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if set := w.waiting[commandID]; set != nil {
			delete(set, ch)
			if len(set) == 0 {
				delete(w.waiting, commandID)
			}
		}
	}
}

// Deliver hands out to every waiter of its command; it never blocks (each
// channel has room for the one outcome).
func (w *Waiter) Deliver(out domain.Outcome) {
	w.mu.Lock()
	set := w.waiting[out.CommandID]
	delete(w.waiting, out.CommandID)
	w.mu.Unlock()
	for ch := range set {
		ch <- out
	}
}
