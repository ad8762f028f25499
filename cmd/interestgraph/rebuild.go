package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
)

// rebuild replays the events topic into the graph.
func rebuild(ctx context.Context, cfg config.Config, log *slog.Logger, force bool) error {
	st, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase})
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	st.SetNotificationRetention(cfg.NotificationRetention)
	bc, err := busConfig(cfg, cfg.KafkaBrokers)
	if err != nil {
		return err
	}
	n, err := replay(ctx, bc, st, force)
	if err != nil {
		return err
	}
	log.Info("rebuild done", "events", n)
	return nil
}

// replay applies every event on the events topic, up to its end when the
// replay starts, to st. It refuses a non-empty graph unless force is set.
func replay(ctx context.Context, bc bus.Config, st interface {
	store.Projector
	store.Snapshotter
}, force bool) (int, error) {
	if !force {
		empty, err := st.Empty(ctx)
		if err != nil {
			return 0, err
		}
		if !empty {
			return 0, fmt.Errorf("%w: rebuild replays into an empty graph (use -force to replay over it)", store.ErrNotEmpty)
		}
	}
	tail, err := bus.NewTail(ctx, bc, bc.Topics.Events, bus.FromStart)
	if err != nil {
		return 0, err
	}
	defer tail.Close()
	count := 0
	start := time.Now()
	err = tail.Drain(ctx, func(ctx context.Context, m kafka.Message) error {
		ev, err := bus.DecodeEvent(m)
		if err != nil {
			return fmt.Errorf("event at %s/%d@%d: %w", m.Topic, m.Partition, m.Offset, err)
		}
		count++
		return st.ApplyEvents(ctx, []domain.Event{ev})
	})
	slog.Debug("replayed", "events", count, "took", time.Since(start))
	return count, err
}
