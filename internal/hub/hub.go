// Package hub fans events out to the subscriptions of one gateway. Every
// gateway tails the events topic itself and feeds its own hub, so gateways
// scale out without talking to each other.
//
// Subscriptions are indexed by topic (person, notification recipient,
// admin firehose): publishing an event touches only the subscriptions of
// its topics and decodes its data once for all of them.
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
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
)

// DefaultBuffer is the per-subscription buffer.
const DefaultBuffer = 256

// Hub is safe for concurrent use.
type Hub struct {
	mu     sync.Mutex
	topics map[Topic]map[*sub]struct{} // no empty sets: the table shrinks with its subscriptions
	n      int
	buffer int
	log    *slog.Logger

	touched atomic.Int64 // subscriptions offered an event, for the tests
}

type sub struct {
	ch    chan Message
	topic Topic
}

// New returns a hub with the given per-subscription buffer (0: default).
func New(buffer int, log *slog.Logger) *Hub {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &Hub{topics: map[Topic]map[*sub]struct{}{}, buffer: buffer, log: log}
}

// Subscribe returns a channel of the events published to topic. It closes
// when ctx ends or when the subscriber falls a full buffer behind.
func (h *Hub) Subscribe(ctx context.Context, topic Topic) <-chan Message {
	s := &sub{ch: make(chan Message, h.buffer), topic: topic}
	h.mu.Lock()
	set := h.topics[topic]
	if set == nil {
		set = map[*sub]struct{}{}
		h.topics[topic] = set
	}
	set[s] = struct{}{}
	h.n++
	metrics.SubscriptionOpened(topic.kind.String())
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		defer h.mu.Unlock()
		h.removeLocked(s)
	}()
	return s.ch
}

// removeLocked ends s unless it has ended already.
func (h *Hub) removeLocked(s *sub) {
	set := h.topics[s.topic]
	if _, ok := set[s]; !ok {
		return
	}
	delete(set, s)
	if len(set) == 0 {
		delete(h.topics, s.topic)
	}
	h.n--
	metrics.SubscriptionClosed(s.topic.kind.String())
	close(s.ch)
}

// Publish hands ev to every subscription of its topics without blocking.
func (h *Hub) Publish(ev domain.Event) { h.PublishTraced(ev, trace.SpanContext{}) }

// PublishTraced is Publish for an event whose publishing span is known, so
// that its deliveries continue that trace.
func (h *Hub) PublishTraced(ev domain.Event, parent trace.SpanContext) {
	m := decode(ev)
	m.Trace = parent
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range m.topics() {
		for s := range h.topics[t] {
			h.touched.Add(1)
			select {
			case s.ch <- m:
			default:
				metrics.EventDropped()
				h.removeLocked(s)
				h.log.Warn("subscription ended: subscriber fell behind", "buffer", h.buffer)
			}
		}
	}
	if ev.Type == domain.EvAccountDeleted {
		h.endLocked(Person(ev.Subject), Recipient(ev.Subject))
	}
}

// endLocked ends every subscription of the topics: their person is gone,
// so their subscribers get "complete".
func (h *Hub) endLocked(topics ...Topic) {
	for _, t := range topics {
		for s := range h.topics[t] {
			h.removeLocked(s)
		}
	}
}

// Count returns the number of open subscriptions.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// CloseAll ends every subscription (graceful shutdown).
func (h *Hub) CloseAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.topics {
		for s := range set {
			h.removeLocked(s)
		}
	}
}
