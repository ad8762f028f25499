package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
)

// OutcomesConfig is what the outcomes feed reads and whom it answers.
type OutcomesConfig struct {
	Bus    bus.Config // the outcomes topic is Bus.Topics.Outcomes
	Waiter Waiter
	// Bookmarks, if set, observes every outcome's bookmarks before the
	// outcome is delivered; nil for a store without bookmarks (memory).
	Bookmarks BookmarkObserver
	Log       *slog.Logger // nil: slog.Default()
}

func (c OutcomesConfig) validate() error {
	var errs []error
	if err := c.Bus.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Waiter == nil {
		errs = append(errs, errors.New("outcomes feed: a waiter is required"))
	}
	return errors.Join(errs...)
}

// Outcomes tails the outcomes topic and answers the mutations waiting in
// this gateway.
type Outcomes struct {
	tail      tail
	waiter    Waiter
	bookmarks BookmarkObserver
	log       *slog.Logger
	closeOnce sync.Once
}

// NewOutcomes positions the feed at the end of the outcomes topic: every
// outcome written after it returns is delivered by Run.
func NewOutcomes(ctx context.Context, cfg OutcomesConfig) (*Outcomes, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	t, err := bus.NewTail(ctx, cfg.Bus, cfg.Bus.Topics.Outcomes, bus.FromEnd)
	if err != nil {
		return nil, fmt.Errorf("outcomes feed: %w", err)
	}
	return newOutcomes(cfg, t), nil
}

func newOutcomes(cfg OutcomesConfig, t tail) *Outcomes {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	return &Outcomes{tail: t, waiter: cfg.Waiter, bookmarks: cfg.Bookmarks, log: log}
}

// Run delivers outcomes until ctx ends, then closes the feed.
func (o *Outcomes) Run(ctx context.Context) {
	defer o.Close()
	o.tail.Run(ctx, o.handle)
}

// Close releases the feed's readers; Run calls it on its way out. It may
// be called more than once.
func (o *Outcomes) Close() { o.closeOnce.Do(o.tail.Close) }

// handle observes m's bookmarks, then answers its waiters: a mutation is
// answered only once its reads can see its write. An unreadable outcome
// is skipped: nobody can be told what it says.
func (o *Outcomes) handle(ctx context.Context, m kafka.Message) {
	out, err := bus.DecodeOutcome(m)
	if err != nil {
		o.log.Warn("unreadable outcome skipped", "offset", m.Offset, "err", err)
		return
	}
	if o.bookmarks != nil {
		o.bookmarks.ObserveBookmarks(ctx, out.Bookmarks)
	}
	o.waiter.Deliver(out)
}
