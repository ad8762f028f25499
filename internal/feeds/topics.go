package feeds

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
)

// tail is what a feed needs of a bus.Tail; tests pass a fake.
type tail interface {
	// Run calls fn with every message until ctx ends, from one goroutine
	// per partition.
	Run(ctx context.Context, fn func(context.Context, kafka.Message))
	// Start returns the offset the tail starts at, per partition.
	Start() map[int]int64
	Close()
}

// eventStore is the events topic read by offset and by time; tests pass a
// fake.
type eventStore interface {
	// FirstOffsets returns the first retained offset of every partition.
	FirstOffsets(ctx context.Context) (map[int]int64, error)
	// OffsetsAt returns, per partition, the offset of the first message
	// written at or after t; a partition with none since t is absent.
	OffsetsAt(ctx context.Context, t time.Time) (map[int]int64, error)
	// ReadRange calls fn with the messages of partition from offset from
	// to offset to (both included), in order.
	ReadRange(ctx context.Context, partition int, from, to int64, fn func(kafka.Message) error) error
}

// busEvents is the events topic of cfg.
type busEvents struct{ cfg bus.Config }

func (b busEvents) FirstOffsets(ctx context.Context) (map[int]int64, error) {
	return bus.FirstOffsets(ctx, b.cfg, b.cfg.Topics.Events)
}

func (b busEvents) OffsetsAt(ctx context.Context, t time.Time) (map[int]int64, error) {
	return bus.OffsetsAt(ctx, b.cfg, b.cfg.Topics.Events, t)
}

func (b busEvents) ReadRange(ctx context.Context, partition int, from, to int64, fn func(kafka.Message) error) error {
	return bus.ReadRange(ctx, b.cfg, b.cfg.Topics.Events, partition, from, to, fn)
}
