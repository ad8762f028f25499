package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// Tail reads every partition of topic, without a consumer group, from the
// offsets resolved when Tail is called (FromEnd) or from the beginning, and
// hands each message to fn. Every gateway tails events and outcomes this way
// so that it sees all of them. Offsets are resolved before Tail returns, so
// nothing written after Tail returns is missed.
type Tail struct {
	readers []*kafka.Reader
	stop    []int64 // per reader: stop before this offset (-1 = never)
	start   map[int]int64
	wg      sync.WaitGroup
}

// TailFrom selects where a Tail starts.
type TailFrom int

const (
	FromEnd TailFrom = iota
	FromStart
)

// NewTail resolves the partitions and starting offsets of topic.
func NewTail(ctx context.Context, c Config, topic string, from TailFrom) (*Tail, error) {
	parts, err := partitions(ctx, c, topic)
	if err != nil {
		return nil, err
	}
	offs, err := offsets(ctx, c, topic, parts[topic])
	if err != nil {
		return nil, err
	}
	t := &Tail{start: map[int]int64{}}
	for _, p := range parts[topic] {
		r := kafka.NewReader(kafka.ReaderConfig{
			Brokers: c.Brokers, Topic: topic, Partition: p, Dialer: c.Dialer(),
			MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond,
		})
		start := offs[p][1]
		if from == FromStart {
			start = offs[p][0]
		}
		if err := r.SetOffset(start); err != nil {
			_ = r.Close()
			t.Close()
			return nil, fmt.Errorf("kafka: seek %s/%d: %w", topic, p, err)
		}
		t.readers = append(t.readers, r)
		t.start[p] = start
		t.stop = append(t.stop, offs[p][1])
	}
	return t, nil
}

// Run reads until ctx ends, calling fn from one goroutine per partition.
func (t *Tail) Run(ctx context.Context, fn func(context.Context, kafka.Message)) {
	for _, r := range t.readers {
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			for {
				m, err := r.ReadMessage(ctx)
				if err != nil {
					if ctx.Err() != nil || errors.Is(err, context.Canceled) {
						return
					}
					slog.Warn("tail read failed; retrying", "topic", r.Config().Topic, "partition", r.Config().Partition, "err", err)
					time.Sleep(500 * time.Millisecond)
					continue
				}
				fn(ctx, m)
			}
		}()
	}
	t.wg.Wait()
}

// Drain reads every partition up to the offsets it had when the Tail was
// made (the end of the log at that moment) and returns; rebuild uses it.
// fn is called with one partition at a time, in offset order.
func (t *Tail) Drain(ctx context.Context, fn func(context.Context, kafka.Message) error) error {
	for i, r := range t.readers {
		for r.Offset() < t.stop[i] {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				return fmt.Errorf("kafka: read %s/%d: %w", r.Config().Topic, r.Config().Partition, err)
			}
			if err := fn(ctx, m); err != nil {
				return err
			}
			if m.Offset+1 >= t.stop[i] {
				break
			}
		}
	}
	return nil
}

// Start returns the offset the Tail starts reading at, per partition.
func (t *Tail) Start() map[int]int64 {
	out := make(map[int]int64, len(t.start))
	for p, o := range t.start {
		out[p] = o
	}
	return out
}

// Close closes the readers.
func (t *Tail) Close() {
	for _, r := range t.readers {
		_ = r.Close()
	}
}
