// Package hub fans events out to the subscriptions of one gateway. Every
// gateway tails the events topic itself and feeds its own hub, so gateways
// scale out without talking to each other.
//
// Slow subscribers: each subscription has a bounded buffer. When it is
// full, the hub ends that subscription (its channel closes, the client
// gets "complete") rather than block the others or drop events silently;
// the client re-subscribes and re-reads what it shows.
package hub

import (
	"context"
	"log/slog"
	"sync"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// DefaultBuffer is the per-subscription buffer.
const DefaultBuffer = 256

// Hub is safe for concurrent use.
type Hub struct {
	mu     sync.Mutex
	subs   map[*sub]struct{}
	buffer int
	log    *slog.Logger
}

type sub struct {
	ch     chan domain.Event
	filter func(domain.Event) bool
}

// New returns a hub with the given per-subscription buffer (0: default).
func New(buffer int, log *slog.Logger) *Hub {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &Hub{subs: map[*sub]struct{}{}, buffer: buffer, log: log}
}

// Subscribe returns a channel of the events filter accepts. It closes when
// ctx ends or when the subscriber falls a full buffer behind.
func (h *Hub) Subscribe(ctx context.Context, filter func(domain.Event) bool) <-chan domain.Event {
	s := &sub{ch: make(chan domain.Event, h.buffer), filter: filter}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.remove(s)
	}()
	return s.ch
}

func (h *Hub) remove(s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.ch)
	}
}

// Publish hands ev to every matching subscription without blocking.
func (h *Hub) Publish(ev domain.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if !s.filter(ev) {
			continue
		}
		select {
		case s.ch <- ev:
		default:
			delete(h.subs, s)
			close(s.ch)
			h.log.Warn("subscription ended: subscriber fell behind", "buffer", h.buffer)
		}
	}
}

// Count returns the number of open subscriptions.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// CloseAll ends every subscription (graceful shutdown).
func (h *Hub) CloseAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		delete(h.subs, s)
		close(s.ch)
	}
}
