// Package hub fans events out to the subscriptions of one gateway. Every
// gateway tails the events topic itself and feeds its own hub, so gateways
// scale out without talking to each other.
//
// Subscriptions are indexed by topic (person, notification recipient,
// admin firehose): publishing an event touches only the subscriptions of
// its topics and decodes its data once for all of them.
//
// Slow subscribers: each subscription has a bounded buffer. When it is
// full, the hub ends that subscription rather than block the others or
// drop events silently: a Stream's last message then carries
// stream.ErrFellBehind and the cursor of the last event delivered, so the
// client resumes there (see Stream).
//
// The values it hands out (topics, messages, options) are the
// application's (internal/stream): the hub implements the application's
// port app.Streams with StreamTo.
package hub

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// DefaultBuffer is the per-subscription buffer.
const DefaultBuffer = 256

// Hub is safe for concurrent use.
type Hub struct {
	mu     sync.Mutex
	topics map[stream.Topic]map[*sub]struct{} // no empty sets: the table shrinks with its subscriptions
	n      int
	buffer int
	log    *slog.Logger

	touched atomic.Int64 // subscriptions offered an event, for the tests

	// pos is the offset of the last event published per partition of the
	// event store: live delivery to a new subscription starts after it.
	pos    map[int]int64
	source Source // the event store, for resumption; nil: live only

	replays       chan struct{} // a slot per replay under way (MaxConcurrentReplays)
	replayTimeout time.Duration // how long one replay may hold its slot
}

// sub is one subscription's queue. It is allocated as events arrive and
// released when they are taken, so an idle subscription holds no buffer.
type sub struct {
	topic stream.Topic
	ready chan struct{} // capacity 1: something was queued, or it ended

	mu     sync.Mutex
	queue  []stream.Message
	ended  bool
	behind bool // ended because it fell a full buffer behind
}

// offer queues m unless the buffer is full.
func (s *sub) offer(m stream.Message, buffer int) bool {
	s.mu.Lock()
	full := len(s.queue) >= buffer
	if !full {
		s.queue = append(s.queue, m)
	}
	s.mu.Unlock()
	if !full {
		s.wake()
	}
	return !full
}

func (s *sub) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// take returns the oldest queued message (ok false when none), and
// whether nothing more will come. One at a time, so that a message in the
// subscriber's hands and the full buffer are all it holds.
func (s *sub) take() (m stream.Message, ok, ended bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		s.queue = nil // release the buffer while idle
		return stream.Message{}, false, s.ended
	}
	m = s.queue[0]
	s.queue[0] = stream.Message{}
	s.queue = s.queue[1:]
	return m, true, false
}

func (s *sub) end(behind bool) {
	s.mu.Lock()
	s.ended, s.behind = true, behind
	s.mu.Unlock()
	s.wake()
}

// New returns a hub with the given per-subscription buffer (0: default).
func New(buffer int, log *slog.Logger) *Hub {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &Hub{topics: map[stream.Topic]map[*sub]struct{}{}, buffer: buffer, log: log, pos: map[int]int64{},
		replays: make(chan struct{}, MaxConcurrentReplays), replayTimeout: ReplayTimeout}
}

// Subscribe returns a channel of the events published to topic, live
// only (Stream without options). It closes when ctx ends, or after a
// message with Err set when the subscriber falls a full buffer behind.
func (h *Hub) Subscribe(ctx context.Context, topic stream.Topic) <-chan stream.Message {
	ch, _ := h.Stream(ctx, topic, stream.Options{}) // live only: no error
	return ch
}

// subscribe registers a subscription to topic and returns it with the
// positions published so far: it gets every event after them.
func (h *Hub) subscribe(topic stream.Topic) (*sub, map[int]int64) {
	s := &sub{topic: topic, ready: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.topics[topic]
	if set == nil {
		set = map[*sub]struct{}{}
		h.topics[topic] = set
	}
	set[s] = struct{}{}
	h.n++
	metrics.SubscriptionOpened(topic.Kind())
	pos := make(map[int]int64, len(h.pos))
	for p, o := range h.pos {
		pos[p] = o
	}
	return s, pos
}

func (h *Hub) unsubscribe(s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(s, false)
}

// removeLocked ends s unless it has ended already.
func (h *Hub) removeLocked(s *sub, behind bool) {
	set := h.topics[s.topic]
	if _, ok := set[s]; !ok {
		return
	}
	delete(set, s)
	if len(set) == 0 {
		delete(h.topics, s.topic)
	}
	h.n--
	metrics.SubscriptionClosed(s.topic.Kind())
	if behind {
		metrics.EventDropped()
	}
	s.end(behind)
}

// Publish hands ev, which has no position in the event store, to every
// subscription of its topics without blocking (tests).
func (h *Hub) Publish(ev domain.Event) { h.PublishAt(ev, -1, -1) }

// PublishAt hands ev, read at offset of partition of the event store, to
// every subscription of its topics without blocking. Each partition's
// events must be published in offset order.
func (h *Hub) PublishAt(ev domain.Event, partition int, offset int64) {
	h.PublishTracedAt(ev, partition, offset, trace.SpanContext{})
}

// PublishTracedAt is PublishAt for an event whose publishing span is known
// (from its Kafka headers), so that its deliveries continue that trace.
func (h *Hub) PublishTracedAt(ev domain.Event, partition int, offset int64, parent trace.SpanContext) {
	m := stream.NewMessage(ev)
	m.Partition, m.Offset = partition, offset
	m.Trace = parent
	h.mu.Lock()
	defer h.mu.Unlock()
	if partition >= 0 {
		h.pos[partition] = offset
	}
	for _, t := range m.Topics() {
		for s := range h.topics[t] {
			h.touched.Add(1)
			if !s.offer(m, h.buffer) {
				h.removeLocked(s, true)
				h.log.Warn("subscription ended: subscriber fell behind", "buffer", h.buffer)
			}
		}
	}
	if ev.Type == domain.EvAccountDeleted {
		h.endLocked(stream.Person(ev.Subject), stream.Recipient(ev.Subject))
	}
}

// endLocked ends every subscription of the topics: their person is gone,
// so their subscribers get "complete".
func (h *Hub) endLocked(topics ...stream.Topic) {
	for _, t := range topics {
		for s := range h.topics[t] {
			h.removeLocked(s, false)
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
			h.removeLocked(s, false)
		}
	}
}
