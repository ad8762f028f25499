package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
)

// EventsConfig is what the events feed reads and whom it feeds.
type EventsConfig struct {
	Bus       bus.Config // the events topic is Bus.Topics.Events
	Hub       Hub
	Keys      Keys
	Deletions Deletions
	Log       *slog.Logger // nil: slog.Default()
}

func (c EventsConfig) validate() error {
	var errs []error
	if err := c.Bus.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Hub == nil || c.Keys == nil || c.Deletions == nil {
		errs = append(errs, errors.New("events feed: a hub, keys and deletions are required"))
	}
	return errors.Join(errs...)
}

// Events tails the events topic and publishes every event, opened, to the
// hub.
type Events struct {
	tail      tail
	events    *eventLog // opens what the tail reads, with the replays' cache
	hub       Hub
	deletions Deletions
	log       *slog.Logger
	closeOnce sync.Once
}

// NewEvents positions the feed at the end of the events topic, makes the
// topic before that point the hub's replay source, and notes the
// deletions of the last Deletions.Window on it. It reads up to one token
// lifetime of events before it returns.
func NewEvents(ctx context.Context, cfg EventsConfig) (*Events, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	t, err := bus.NewTail(ctx, cfg.Bus, cfg.Bus.Topics.Events, bus.FromEnd)
	if err != nil {
		return nil, fmt.Errorf("events feed: %w", err)
	}
	return newEvents(ctx, cfg, t, busEvents{cfg.Bus})
}

func newEvents(ctx context.Context, cfg EventsConfig, t tail, store eventStore) (*Events, error) {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	// Live and replayed events are opened through one bounded key cache,
	// which forgets a person's key when their AccountDeleted passes.
	el := &eventLog{store: store, opener: shred.NewOpener(cfg.Keys, 0), log: log}
	e := &Events{tail: t, events: el, hub: cfg.Hub, deletions: cfg.Deletions, log: log}
	// Resumed subscriptions replay what came before the tail's start.
	cfg.Hub.SetSource(el, t.Start())
	if err := el.noteRecentDeletions(ctx, cfg.Deletions, t.Start()); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Run publishes events until ctx ends, then closes the feed.
func (e *Events) Run(ctx context.Context) {
	defer e.Close()
	e.tail.Run(ctx, e.handle)
}

// Close releases the feed's readers; Run calls it on its way out. It may
// be called more than once.
func (e *Events) Close() { e.closeOnce.Do(e.tail.Close) }

// handle notes m's event if it is a deletion, opens it and publishes it at
// its position, continuing the trace its message carries. An unreadable
// event is skipped.
func (e *Events) handle(ctx context.Context, m kafka.Message) {
	ev, err := bus.DecodeEvent(m)
	if err != nil {
		e.log.Warn("unreadable event skipped", "offset", m.Offset, "err", err)
		return
	}
	e.deletions.Note([]domain.Event{ev})
	ev = e.events.open(ctx, ev, m.Partition, m.Offset)
	e.hub.PublishTracedAt(ev, m.Partition, m.Offset, trace.SpanContextFromContext(bus.TraceContext(ctx, m)))
}
