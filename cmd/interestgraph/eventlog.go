package main

import (
	"context"
	"log/slog"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// eventLog is the events topic as the hub's Source: what resumed
// subscriptions replay.
type eventLog struct {
	cfg bus.Config
	log *slog.Logger
}

func (l eventLog) FirstOffsets(ctx context.Context) (map[int]int64, error) {
	return bus.FirstOffsets(ctx, l.cfg, l.cfg.Topics.Events)
}

func (l eventLog) Read(ctx context.Context, partition int, from, to int64, fn func(domain.Event, int64) error) error {
	return bus.ReadRange(ctx, l.cfg, l.cfg.Topics.Events, partition, from, to, func(m kafka.Message) error {
		ev, err := bus.DecodeEvent(m)
		if err != nil {
			l.log.Warn("unreadable event skipped in replay", "partition", m.Partition, "offset", m.Offset, "err", err)
			return nil
		}
		return fn(ev, m.Offset)
	})
}
