package bus

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// FirstOffsets returns the first offset topic retains in each partition.
func FirstOffsets(ctx context.Context, c Config, topic string) (map[int]int64, error) {
	parts, err := partitions(ctx, c, topic)
	if err != nil {
		return nil, err
	}
	offs, err := offsets(ctx, c, topic, parts[topic])
	if err != nil {
		return nil, err
	}
	out := make(map[int]int64, len(offs))
	for p, o := range offs {
		out[p] = o[0]
	}
	return out, nil
}

// ReadRange calls fn with the messages of one partition of topic from
// offset from to offset to (both included), in order: a bounded read of
// the event store, without a consumer group.
func ReadRange(ctx context.Context, c Config, topic string, partition int, from, to int64, fn func(kafka.Message) error) error {
	if to < from {
		return nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: c.Brokers, Topic: topic, Partition: partition, Dialer: c.Dialer(),
		MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond,
	})
	defer r.Close()
	if err := r.SetOffset(from); err != nil {
		return fmt.Errorf("kafka: seek %s/%d: %w", topic, partition, err)
	}
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			return fmt.Errorf("kafka: read %s/%d: %w", topic, partition, err)
		}
		if m.Offset > to {
			return nil // compaction or a transaction marker skipped past to
		}
		if err := fn(m); err != nil {
			return err
		}
		if m.Offset >= to {
			return nil
		}
	}
}

// OffsetsAt returns, per partition of topic, the offset of the first
// message written at or after t; a partition with none since t is absent.
func OffsetsAt(ctx context.Context, c Config, topic string, t time.Time) (map[int]int64, error) {
	parts, err := partitions(ctx, c, topic)
	if err != nil {
		return nil, err
	}
	reqs := make([]kafka.OffsetRequest, 0, len(parts[topic]))
	for _, p := range parts[topic] {
		reqs = append(reqs, kafka.TimeOffsetOf(p, t))
	}
	cl, done := c.client()
	defer done()
	res, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("kafka: offsets of %s at %s: %w", topic, t.Format(time.RFC3339), err)
	}
	out := map[int]int64{}
	for _, po := range res.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("kafka: offsets of %s/%d at %s: %w", topic, po.Partition, t.Format(time.RFC3339), po.Error)
		}
		// The broker answers the first offset at or after t, or none
		// (kafka-go then leaves Offsets empty).
		for off := range po.Offsets {
			if off >= 0 {
				out[po.Partition] = off
			}
		}
	}
	return out, nil
}
