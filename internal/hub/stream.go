package hub

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// MaxReplay bounds the events a resumed subscription reads from the event
// store before going live; a cursor further behind is CURSOR_EXPIRED (the
// client re-reads with queries and subscribes without a cursor).
const MaxReplay = 10_000

// MaxConcurrentReplays bounds the resumed subscriptions of one gateway that
// read the event store at the same time (each opens readers on Kafka and
// holds up to MaxReplay events' worth of work); the others wait their turn,
// already subscribed live, so they miss nothing while they wait.
const MaxConcurrentReplays = 32

// ReplayTimeout is how long one replay may take: MaxReplay events are read
// in well under a second, so only a subscriber that does not read its
// socket runs into it.
const ReplayTimeout = 30 * time.Second

// Source is the event store, read to resume a subscription.
type Source interface {
	// FirstOffsets returns the first retained offset of every partition.
	FirstOffsets(ctx context.Context) (map[int]int64, error)
	// Read calls fn with the events from offset from to offset to
	// (inclusive) of partition, in order, skipping unreadable ones.
	Read(ctx context.Context, partition int, from, to int64, fn func(ev domain.Event, offset int64) error) error
}

// SetSource lets Stream resume from the event store. next holds, per
// partition, the offset the gateway's events tail starts reading at:
// what came before it is only in the store. Call it before publishing.
func (h *Hub) SetSource(src Source, next map[int]int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.source = src
	for p, o := range next {
		if _, ok := h.pos[p]; !ok {
			h.pos[p] = o - 1
		}
	}
}

// span is a range of one partition to replay, both ends included.
type span struct {
	partition int
	from, to  int64
}

// Stream returns the events of topic, each stamped with its cursor: with
// After, first those in the event store after it, then live ones, with no
// gap and no duplicate. The hub subscription is made first, so every event
// it misses is at or before the positions replay reads up to. A malformed
// or expired cursor is an error at once. The channel closes when ctx ends,
// at shutdown, or after a final message with Err set.
func (h *Hub) Stream(ctx context.Context, topic stream.Topic, o stream.Options) (<-chan stream.Message, error) {
	out := make(chan stream.Message)
	deliver := func(ctx context.Context, m stream.Message) bool {
		select {
		case out <- m:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if err := h.StreamTo(ctx, topic, o, deliver, func() { close(out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// StreamTo is Stream with the messages handed to deliver, in order, from
// the stream's own goroutine, instead of to a channel: a subscriber that
// converts each message (the resolvers) needs no goroutine of its own,
// which matters at thousands of subscribers per gateway. deliver blocks
// until the message is taken or its ctx ends, and returns false to end
// the stream; done is called once the stream is over. On an error at
// once, neither is ever called. It is the application's port app.Streams.
func (h *Hub) StreamTo(ctx context.Context, topic stream.Topic, o stream.Options, deliver func(context.Context, stream.Message) bool, done func()) error {
	s, live := h.subscribe(topic)
	spans, pos, src, err := h.plan(ctx, live, o)
	if err != nil {
		h.unsubscribe(s)
		return err
	}
	st := &streamRun{h: h, s: s, src: src, topic: topic, single: o.Single, pos: pos, deliver: deliver, done: done}
	if o.After != nil {
		st.last = o.After.Encode() // where to resume if nothing is delivered
	}
	go st.run(ctx, spans)
	return nil
}

// plan checks the cursor against the event store and returns the spans to
// replay, the starting position (offset of the last event seen per
// partition) and the event store to replay them from.
func (h *Hub) plan(ctx context.Context, live map[int]int64, o stream.Options) ([]span, cursor.Position, Source, error) {
	pos := cursor.Position{}
	if !o.Single {
		for p, off := range live {
			pos[p] = off
		}
	}
	if o.After == nil {
		return nil, pos, nil, nil
	}
	h.mu.Lock()
	src := h.source
	h.mu.Unlock()
	if src == nil {
		return nil, nil, nil, errors.New("hub: resuming needs the event store")
	}
	first, err := src.FirstOffsets(ctx)
	if err != nil {
		// Retryable, as a command Kafka did not take: UNAVAILABLE.
		return nil, nil, nil, domain.Unavailable("", fmt.Errorf("hub: event store bounds: %w", err))
	}
	var spans []span
	add := func(p int, from, to int64) {
		if to >= from {
			spans = append(spans, span{p, from, to})
		}
	}
	for p, off := range o.After {
		f, ok := first[p]
		if !ok {
			return nil, nil, nil, domain.Invalid("after", "malformed cursor: unknown partition")
		}
		if off+1 < f {
			return nil, nil, nil, domain.CursorExpired("the event store no longer holds the events after this cursor: re-read, then subscribe without after")
		}
		pos[p] = off
		if l, ok := live[p]; ok {
			add(p, off+1, l)
		}
	}
	for p, l := range live {
		if _, ok := o.After[p]; ok || o.Single {
			continue
		}
		// A partition the cursor does not name (added since): all of it.
		pos[p] = first[p] - 1
		add(p, first[p], l)
	}
	// Partition by partition, each in offset order: the order per person.
	slices.SortFunc(spans, func(a, b span) int { return a.partition - b.partition })
	total := int64(0)
	for _, sp := range spans {
		total += sp.to - sp.from + 1
	}
	if total > MaxReplay {
		return nil, nil, nil, domain.CursorExpired("more than %d events since this cursor: re-read, then subscribe without after", MaxReplay)
	}
	return spans, pos, src, nil
}
