package feeds

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
)

// eventLog is the events topic as the hub's Source: what resumed
// subscriptions replay.
type eventLog struct {
	store  eventStore
	opener *shred.Opener
	log    *slog.Logger
}

func (l *eventLog) FirstOffsets(ctx context.Context) (map[int]int64, error) {
	return l.store.FirstOffsets(ctx)
}

// Read replays events with their personal fields opened, as the live tail
// delivers them.
func (l *eventLog) Read(ctx context.Context, partition int, from, to int64, fn func(domain.Event, int64) error) error {
	return l.readSealed(ctx, partition, from, to, func(ev domain.Event, offset int64) error {
		return fn(l.open(ctx, ev, partition, offset), offset)
	})
}

// readSealed reads events as they are on the topic.
func (l *eventLog) readSealed(ctx context.Context, partition int, from, to int64, fn func(domain.Event, int64) error) error {
	return l.store.ReadRange(ctx, partition, from, to, func(m kafka.Message) error {
		ev, err := bus.DecodeEvent(m)
		if err != nil {
			l.log.Warn("unreadable event skipped in replay", "partition", m.Partition, "offset", m.Offset, "err", err)
			return nil
		}
		return fn(ev, m.Offset)
	})
}

// openTimeout bounds the key lookups of one event on the gateway.
const openTimeout = 2 * time.Second

// open opens ev's personal fields. When it cannot (the key store does
// not answer, or a value does not open), subscribers get the event with
// those fields empty rather than not at all.
func (l *eventLog) open(ctx context.Context, ev domain.Event, partition int, offset int64) domain.Event {
	// A key store that does not answer must not hold every subscriber of
	// the partition behind it for the driver's retry time.
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	opened, err := l.opener.Open(ctx, ev)
	if err != nil {
		l.log.Warn("personal fields of an event not opened; delivered empty", "partition", partition, "offset", offset, "err", err)
		return shred.Blank(ev)
	}
	return opened
}

// noteRecentDeletions reads the event store from deletions' window back up
// to until (where the events tail starts), so that a gateway started
// after a deletion refuses that person's unexpired tokens too.
func (l *eventLog) noteRecentDeletions(ctx context.Context, deletions Deletions, until map[int]int64) error {
	from, err := l.store.OffsetsAt(ctx, time.Now().Add(-deletions.Window()))
	if err != nil {
		return fmt.Errorf("recent deletions: %w", err)
	}
	for p, off := range from {
		end, ok := until[p]
		if !ok || off >= end {
			continue
		}
		// Deletions carry no personal data: nothing to open.
		err := l.readSealed(ctx, p, off, end-1, func(ev domain.Event, _ int64) error {
			deletions.Note([]domain.Event{ev})
			return nil
		})
		if err != nil {
			return fmt.Errorf("recent deletions: %w", err)
		}
	}
	return nil
}
