package hub

import (
	"context"
	"errors"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// streamRun is one subscriber's replay-then-live delivery.
type streamRun struct {
	h      *Hub
	s      *sub
	src    Source // nil when there is nothing to replay
	topic  stream.Topic
	single bool
	pos    cursor.Position // offset of the last event seen per partition
	last   string          // cursor of the last event delivered
	// deliver hands a message over, blocking; false ends the stream.
	deliver func(context.Context, stream.Message) bool
	done    func() // called once, when the stream is over
}

func (st *streamRun) run(ctx context.Context, spans []span) {
	defer st.done()
	defer st.h.unsubscribe(st.s)
	if !st.replay(ctx, spans) {
		return
	}
	for {
		select {
		case <-st.s.ready:
		case <-ctx.Done():
			return
		}
		if !st.drain(ctx) {
			return
		}
	}
}

// replay delivers the spans from the event store, holding one of the
// hub's replay slots for at most replayTimeout: a subscriber that reads
// too slowly to finish in that time ends as one that fell behind, with
// its last cursor, instead of keeping others from resuming. The slot is
// given back before the final message waits for the subscriber. It
// reports whether the stream goes on live.
func (st *streamRun) replay(ctx context.Context, spans []span) bool {
	if len(spans) == 0 {
		return true
	}
	err := st.replaySpans(ctx, spans)
	if err != nil && ctx.Err() == nil && !errors.Is(err, errStopped) {
		st.end(ctx, err)
	}
	return err == nil
}

func (st *streamRun) replaySpans(ctx context.Context, spans []span) error {
	select {
	case st.h.replays <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-st.h.replays }()
	rctx, cancel := context.WithTimeout(ctx, st.h.replayTimeout)
	defer cancel()
	for _, sp := range spans {
		err := st.src.Read(rctx, sp.partition, sp.from, sp.to, func(ev domain.Event, off int64) error {
			if err := rctx.Err(); err != nil {
				return err // out of time: no more, even to a reader that woke up
			}
			m := stream.NewMessage(ev)
			m.Partition, m.Offset = sp.partition, off
			if !m.IsFor(st.topic) {
				return nil
			}
			return st.send(rctx, m)
		})
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, errStopped):
			return err
		case rctx.Err() != nil:
			return stream.ErrFellBehind
		default:
			return fmt.Errorf("replay from the event store: %w", err)
		}
		st.pos[sp.partition] = max(st.pos[sp.partition], sp.to)
	}
	return nil
}

// drain delivers what is queued; false when the stream is over.
func (st *streamRun) drain(ctx context.Context) bool {
	for {
		m, ok, ended := st.s.take()
		if ended {
			st.s.mu.Lock()
			behind := st.s.behind
			st.s.mu.Unlock()
			if behind {
				st.end(ctx, stream.ErrFellBehind)
			}
			return false
		}
		if !ok {
			return true
		}
		if seen, ok := st.pos[m.Partition]; ok && m.Partition >= 0 && m.Offset <= seen {
			continue // replayed already, or before the cursor
		}
		if st.send(ctx, m) != nil {
			return false
		}
	}
}

// send stamps m with the subscriber's cursor after it and delivers it.
func (st *streamRun) send(ctx context.Context, m stream.Message) error {
	if m.Partition >= 0 {
		st.pos[m.Partition] = m.Offset
		if st.single {
			m.Cursor = cursor.Position{m.Partition: m.Offset}.Encode()
		} else {
			m.Cursor = st.pos.Encode()
		}
	}
	if !st.deliver(ctx, m) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return errStopped
	}
	st.last = m.Cursor
	return nil
}

// errStopped: the subscriber ended the stream.
var errStopped = errors.New("hub: the subscriber stopped the stream")

// end delivers the final message: why the stream ends, and where to
// resume.
func (st *streamRun) end(ctx context.Context, err error) {
	st.deliver(ctx, stream.Message{Err: err, Cursor: st.last, Partition: -1, Offset: -1})
}
