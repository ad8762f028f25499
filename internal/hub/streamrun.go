package hub

import (
	"context"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// stream is one subscriber's replay-then-live delivery.
type stream struct {
	h      *Hub
	s      *sub
	topic  Topic
	single bool
	pos    cursor.Position // offset of the last event seen per partition
	last   string          // cursor of the last event delivered
	out    chan<- Message
}

func (st *stream) run(ctx context.Context, spans []span) {
	defer close(st.out)
	defer st.h.unsubscribe(st.s)
	for _, sp := range spans {
		err := st.h.source.Read(ctx, sp.partition, sp.from, sp.to, func(ev domain.Event, off int64) error {
			m := decode(ev)
			m.Partition, m.Offset = sp.partition, off
			if !m.isFor(st.topic) {
				return nil
			}
			return st.send(ctx, m)
		})
		if err != nil {
			if ctx.Err() == nil {
				st.end(ctx, fmt.Errorf("replay from the event store: %w", err))
			}
			return
		}
		st.pos[sp.partition] = max(st.pos[sp.partition], sp.to)
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

// drain delivers what is queued; false when the stream is over.
func (st *stream) drain(ctx context.Context) bool {
	for {
		m, ok, ended := st.s.take()
		if ended {
			st.s.mu.Lock()
			behind := st.s.behind
			st.s.mu.Unlock()
			if behind {
				st.end(ctx, ErrFellBehind)
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
func (st *stream) send(ctx context.Context, m Message) error {
	if m.Partition >= 0 {
		st.pos[m.Partition] = m.Offset
		if st.single {
			m.Cursor = cursor.Position{m.Partition: m.Offset}.Encode()
		} else {
			m.Cursor = st.pos.Encode()
		}
	}
	select {
	case st.out <- m:
		st.last = m.Cursor
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// end delivers the final message: why the stream ends, and where to
// resume.
func (st *stream) end(ctx context.Context, err error) {
	select {
	case st.out <- Message{Err: err, Cursor: st.last, Partition: -1, Offset: -1}:
	case <-ctx.Done():
	}
}
