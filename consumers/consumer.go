// Package consumers runs the command handlers: a Kafka consumer group that
// decides each command against the graph, applies it in one transaction,
// publishes the outcome and only then commits the offset.
//
// Delivery is at least once. A process killed at any instant leaves the
// offset at or before the first message whose outcome is not published;
// the redelivered command is recognised by its id and its recorded outcome
// is published again, so nothing is lost and nothing applied twice.
package consumers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// GroupID is the consumer group of the command handlers. Renaming it makes
// a new group that starts from the oldest retained command and decides
// everything again (harmless thanks to idempotency, but slow): keep it.
const GroupID = "interestgraph-command-handlers"

// Publisher is what the consumer needs of the bus.
type Publisher interface {
	PublishOutcome(ctx context.Context, actor string, out domain.Outcome) error
	DeadLetter(ctx context.Context, m kafka.Message, reason error) error
}

// Executor is what the consumer needs of the store.
type Executor interface {
	Execute(ctx context.Context, cmd domain.Command, decide store.DecideFunc) (domain.Outcome, bool, error)
	Ready(ctx context.Context) error
}

// Config tunes the consumer; zero values take the defaults.
type Config struct {
	Bus bus.Config
	// GroupID overrides the consumer group (tests isolate themselves).
	GroupID string
	// MaxAttempts is how often a command that fails while the store is
	// healthy is tried before it goes to the dead-letter topic.
	MaxAttempts int
	// Policy holds the configurable rules commands are decided by.
	Policy domain.Policy
	// SessionTimeout is how long the group waits for a silent member (a
	// killed process) before giving its partitions to another.
	SessionTimeout time.Duration
}

func (c *Config) setDefaults() {
	if c.GroupID == "" {
		c.GroupID = GroupID
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 5
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = 10 * time.Second
	}
}

// Consumer is one member of the command-handler group.
type Consumer struct {
	cfg  Config
	pub  Publisher
	exec Executor
	r    *kafka.Reader
	log  *slog.Logger
}

// New validates cfg and joins nothing yet; Run does.
func New(cfg Config, pub Publisher, exec Executor, log *slog.Logger) (*Consumer, error) {
	cfg.setDefaults()
	if err := cfg.Bus.Validate(); err != nil {
		return nil, err
	}
	if pub == nil || exec == nil {
		return nil, errors.New("consumers: publisher and executor are required")
	}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: cfg.Bus.Brokers,
		Topic:   cfg.Bus.Topics.Commands,
		GroupID: cfg.GroupID,
		// A new group starts at the oldest command, never skipping what was
		// sent before it joined.
		StartOffset:       kafka.FirstOffset,
		MinBytes:          1,
		MaxBytes:          10 << 20,
		MaxWait:           200 * time.Millisecond,
		CommitInterval:    0, // commit synchronously, after each outcome is published
		SessionTimeout:    cfg.SessionTimeout,
		RebalanceTimeout:  cfg.SessionTimeout,
		HeartbeatInterval: time.Second,
		ReadBackoffMin:    50 * time.Millisecond,
		ReadBackoffMax:    500 * time.Millisecond,
	})
	return &Consumer{cfg: cfg, pub: pub, exec: exec, r: r, log: log}, nil
}

// Run processes commands until ctx ends, then leaves the group. It returns
// nil on a clean stop.
//
// Each assigned partition gets a worker of its own: partitions proceed in
// parallel (one slow transaction does not hold the others), while the
// messages of one partition, and so the commands of one person, are
// decided strictly in order and committed one by one.
func (c *Consumer) Run(ctx context.Context) error {
	defer c.r.Close()
	c.log.Info("command consumer started", "group", c.cfg.GroupID, "topic", c.cfg.Bus.Topics.Commands)
	workers := map[int]chan kafka.Message{}
	var wg sync.WaitGroup
	defer func() {
		for _, ch := range workers {
			close(ch)
		}
		wg.Wait() // workers finish the message in hand before the reader closes
	}()
	for {
		m, err := c.r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("consumers: fetch: %w", err)
		}
		ch, ok := workers[m.Partition]
		if !ok {
			ch = make(chan kafka.Message, perPartitionBuffer)
			workers[m.Partition] = ch
			wg.Add(1)
			go func() {
				defer wg.Done()
				for m := range ch {
					if ctx.Err() != nil || c.process(ctx, m) {
						return // stopping: the rest stays uncommitted and is redelivered
					}
				}
			}()
		}
		select {
		case ch <- m:
		case <-ctx.Done():
			return nil
		}
	}
}

// perPartitionBuffer bounds the fetched but unprocessed messages of one
// partition; a full buffer pauses fetching (backpressure).
const perPartitionBuffer = 64

// process makes m durable and commits it. A stop request lets the message
// in hand finish and commit within a bound, so a graceful shutdown
// redelivers nothing; it never moves past m without its outcome, since a
// later commit would skip it for good. It reports whether ctx ended.
func (c *Consumer) process(ctx context.Context, m kafka.Message) (stopped bool) {
	for {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
		err := c.handle(hctx, m)
		if err == nil {
			if err := c.r.CommitMessages(hctx, m); err != nil {
				// The outcome is published; a redelivery will be replayed.
				c.log.Warn("commit failed; the command may be redelivered", "partition", m.Partition, "offset", m.Offset, "err", err)
			}
		}
		cancel()
		if err == nil || ctx.Err() != nil {
			return ctx.Err() != nil
		}
		// The bound ran out while the store or the bus is failing: try the
		// same message again.
	}
}

// finishTimeout bounds the work on one message once a stop is requested.
const finishTimeout = 15 * time.Second

// handle makes the effect of m durable: applied and published, or set
// aside in the dead-letter topic. It returns an error only when ctx ends.
func (c *Consumer) handle(ctx context.Context, m kafka.Message) error {
	cmd, err := domain.DecodeCommand(m.Value)
	if err != nil {
		c.log.Warn("malformed command sent to dead-letter topic", "partition", m.Partition, "offset", m.Offset, "reason", err)
		return retry(ctx, c.log, "dead-letter", func() error { return c.pub.DeadLetter(ctx, m, err) })
	}
	var out domain.Outcome
	failures := 0
	for {
		var replayed bool
		out, replayed, err = c.exec.Execute(ctx, cmd, c.cfg.Policy.Decide)
		if err == nil {
			c.log.Debug("command decided", "command", cmd.ID, "type", cmd.Type, "status", out.Status, "replayed", replayed)
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// A store that is down holds the partition until it is back: those
		// commands are fine, the store is not. A command that fails while
		// the store answers is set aside so that it cannot block the rest.
		if c.exec.Ready(ctx) == nil {
			failures++
			if failures >= c.cfg.MaxAttempts {
				reason := fmt.Errorf("command %s failed %d times: %w", cmd.ID, failures, err)
				c.log.Error("command sent to dead-letter topic", "command", cmd.ID, "err", err)
				return retry(ctx, c.log, "dead-letter", func() error { return c.pub.DeadLetter(ctx, m, reason) })
			}
		}
		c.log.Warn("command failed; retrying", "command", cmd.ID, "attempt", failures, "err", err)
		if err := sleep(ctx, backoff(failures)); err != nil {
			return err
		}
	}
	return retry(ctx, c.log, "publish outcome", func() error { return c.pub.PublishOutcome(ctx, cmd.Actor, out) })
}

func retry(ctx context.Context, log *slog.Logger, what string, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Warn(what+" failed; retrying", "attempt", attempt, "err", err)
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

func backoff(attempt int) time.Duration {
	d := 100 * time.Millisecond << min(attempt, 6)
	return min(d, 5*time.Second)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
