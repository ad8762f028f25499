package app

import (
	"sync"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Waiter matches outcomes read from the outcomes topic to the mutations
// waiting for them in this gateway.
type Waiter struct {
	mu      sync.Mutex
	waiting map[string]chan domain.Outcome
}

// NewWaiter returns an empty waiter.
func NewWaiter() *Waiter { return &Waiter{waiting: map[string]chan domain.Outcome{}} }

// Expect registers interest in the outcome of commandID; call it before the
// command is sent, and cancel when done waiting.
func (w *Waiter) Expect(commandID string) (<-chan domain.Outcome, func()) {
	ch := make(chan domain.Outcome, 1)
	w.mu.Lock()
	w.waiting[commandID] = ch
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.waiting, commandID)
		w.mu.Unlock()
	}
}

// Deliver hands out to its waiter, if any; it never blocks.
func (w *Waiter) Deliver(out domain.Outcome) {
	w.mu.Lock()
	ch, ok := w.waiting[out.CommandID]
	delete(w.waiting, out.CommandID)
	w.mu.Unlock()
	if ok {
		ch <- out
	}
}
