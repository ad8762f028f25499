// Package consumers runs the command handlers: a Kafka consumer group that
// decides each command against the graph, applies it in one transaction,
// publishes the outcome and only then marks the offset for an asynchronous
// commit (committer.go). Commands that wait together in a partition are
// decided as a batch, in one transaction, and published in one write of
// events and one of outcomes (gather.go, batch.go).
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
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

// GroupID is the consumer group of the command handlers. Renaming it makes
// a new group that starts from the oldest retained command and decides
// everything again (harmless thanks to idempotency, but slow): keep it.
const GroupID = "interestgraph-command-handlers"

// Publisher is what the consumer needs of the bus.
type Publisher interface {
	PublishOutcome(ctx context.Context, actor string, out domain.Outcome) error
	// PublishBatch publishes the events of every answer, then, once they
	// are acknowledged, the outcomes (bus.Bus.PublishBatch).
	PublishBatch(ctx context.Context, answers []bus.Answer) error
	DeadLetter(ctx context.Context, m kafka.Message, reason error) error
}

// Executor is what the consumer needs of the store.
type Executor interface {
	Execute(ctx context.Context, cmd domain.Command, decide store.DecideFunc) (domain.Outcome, bool, error)
	ExecuteBatch(ctx context.Context, cmds []domain.Command, decide store.DecideFunc) ([]store.Executed, error)
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
	// AttemptTimeout bounds one attempt at a command; running into it
	// counts as a failure of the command (default 5s).
	AttemptTimeout time.Duration
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
	if c.AttemptTimeout == 0 {
		c.AttemptTimeout = defaultAttemptTimeout
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = 10 * time.Second
	}
}

// Consumer is one member of the command-handler group.
type Consumer struct {
	cfg   Config
	pub   Publisher
	exec  Executor
	group *kafka.ConsumerGroup
	log   *slog.Logger
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
	group, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:      cfg.GroupID,
		Brokers: cfg.Bus.Brokers,
		Dialer:  cfg.Bus.Dialer(),
		Topics:  []string{cfg.Bus.Topics.Commands},
		// A new group starts at the oldest command, never skipping what was
		// sent before it joined.
		StartOffset:       kafka.FirstOffset,
		SessionTimeout:    cfg.SessionTimeout,
		RebalanceTimeout:  rebalanceTimeout,
		HeartbeatInterval: time.Second,
		JoinGroupBackoff:  time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("consumers: %w", err)
	}
	pub = withCrashPoints(pub) // test-only hook, inert unless INTERESTGRAPH_CRASH_AT is set
	return &Consumer{cfg: cfg, pub: pub, exec: exec, group: group, log: log}, nil
}

// Run processes commands until ctx ends, then leaves the group. It returns
// nil on a clean stop.
//
// Each generation of the group gives this member some partitions; each gets
// a worker with a reader of its own, so partitions proceed in parallel and
// a slow one holds no other, while the messages of one partition (the
// commands of one person) are decided strictly in order; their offsets are
// committed in the background, coalesced to the latest published one. A rebalance ends the generation: every worker finishes the
// message (or batch) in hand and stops before the group moves on, so a partition is
// never worked on by two members at once and no stale buffer outlives its
// assignment.
func (c *Consumer) Run(ctx context.Context) error {
	c.log.Info("command consumer started", "group", c.cfg.GroupID, "topic", c.cfg.Bus.Topics.Commands)
	stop := context.AfterFunc(ctx, func() { _ = c.group.Close() })
	defer stop()
	defer c.group.Close()
	for {
		gen, err := c.group.Next(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
				return nil
			}
			c.log.Warn("joining the consumer group failed; retrying", "err", err)
			if err := sleep(ctx, time.Second); err != nil {
				return nil
			}
			continue
		}
		topic := c.cfg.Bus.Topics.Commands
		for _, a := range gen.Assignments[topic] {
			gen.Start(func(gctx context.Context) { c.work(ctx, gctx, gen, topic, a) })
		}
	}
}

// work processes one assigned partition until the generation ends (gctx)
// or the consumer stops (ctx).
func (c *Consumer) work(ctx, gctx context.Context, gen *kafka.Generation, topic string, a kafka.PartitionAssignment) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: c.cfg.Bus.Brokers, Topic: topic, Partition: a.ID, Dialer: c.cfg.Bus.Dialer(),
		MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond,
		// Room for a whole batch among what the reader holds (gather.go).
		QueueCapacity:  maxBatchCommands,
		ReadBackoffMin: 50 * time.Millisecond, ReadBackoffMax: 500 * time.Millisecond,
	})
	defer r.Close()
	if err := r.SetOffset(a.Offset); err != nil {
		c.log.Error("seek failed", "partition", a.ID, "offset", a.Offset, "err", err)
		return
	}
	offsets := startCommitter(a.ID, c.log, func(next int64) error {
		return gen.CommitOffsets(map[string]map[int]int64{topic: {a.ID: next}})
	})
	defer offsets.stop() // commits the last mark before the reader closes
	commit := func(_ context.Context, m kafka.Message) error {
		offsets.mark(m.Offset + 1)
		return nil
	}
	defer watchLag(gctx, r, a.ID)()
	// A batch that falls back to one by one (too slow as one, or a command
	// that fails) halves the next one; a full batch that succeeds doubles
	// it again, so a slow store does not waste a full batch's attempt on
	// every turn.
	limit := maxBatchCommands
	for {
		// Without a group, the reader commits nothing: offsets are ours.
		m, err := r.FetchMessage(gctx)
		if err != nil {
			return // the generation ended, or the consumer stops
		}
		// With it, whatever the reader already holds goes as one batch
		// (gather.go); a malformed message ends the batch and is set
		// aside on its own, after it.
		f := gather(gctx, r, m, limit, maxGather)
		if len(f.msgs) > 0 {
			stopped, fellBack := c.processBatch(ctx, gctx, f, commit)
			if stopped || gctx.Err() != nil {
				return
			}
			switch {
			case fellBack:
				limit = max(1, len(f.msgs)/2)
			case len(f.msgs) == limit:
				limit = min(maxBatchCommands, 2*limit)
			}
		}
		if f.bad != nil && (c.process(ctx, gctx, *f.bad, commit) || gctx.Err() != nil) {
			return
		}
		// The lag of the last message fetched; kafka-go keeps it without
		// a round trip.
		metrics.ConsumerLag(a.ID, r.Lag())
	}
}

// rebalanceTimeout bounds how long the group waits for members to finish
// the message in hand (finishTimeout) and rejoin.
const rebalanceTimeout = 30 * time.Second

// process makes m durable and marks it for commit. A stop request lets the message
// in hand finish and commit within a bound, so a graceful shutdown
// redelivers nothing; it never moves past m without its outcome, since a
// later commit would skip it for good. When the generation (gctx) ends
// after a failed pass, it leaves m uncommitted for the partition's next
// owner instead of holding the rebalance for as long as the store is down.
// It reports whether ctx ended.
func (c *Consumer) process(ctx, gctx context.Context, m kafka.Message, commit func(context.Context, kafka.Message) error) (stopped bool) {
	failures := 0 // of this message while the store answers, across passes
	for {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
		err := c.handle(hctx, m, &failures)
		if err == nil {
			crashPoint(crashBeforeCommit) // test-only hook
			if err := commit(hctx, m); err != nil {
				// The outcome is published; a redelivery will be replayed.
				c.log.Warn("commit failed; the command may be redelivered", "partition", m.Partition, "offset", m.Offset, "err", err)
			}
		}
		cancel()
		if err == nil || ctx.Err() != nil || gctx.Err() != nil {
			return ctx.Err() != nil
		}
		// The bound ran out while the store or the bus is failing: try the
		// same message again.
	}
}

// finishTimeout bounds the work on one message once a stop is requested.
const finishTimeout = 10 * time.Second

// defaultAttemptTimeout is well inside finishTimeout, so that an attempt
// that hangs is counted before the pass ends and starts over.
const defaultAttemptTimeout = 5 * time.Second

// handle makes the effect of m durable: applied and published, or set
// aside in the dead-letter topic and answered REJECTED UNPROCESSABLE. It
// returns an error only when ctx ends.
func (c *Consumer) handle(ctx context.Context, m kafka.Message, failures *int) (err error) {
	ctx, span := tracing.StartProcess(bus.TraceContext(ctx, m), m.Topic, c.cfg.GroupID, m.Partition, m.Offset)
	defer func() { tracing.End(span, err) }()
	cmd, err := domain.DecodeCommand(m.Value)
	if err != nil {
		c.log.Warn("malformed command sent to dead-letter topic", "partition", m.Partition, "offset", m.Offset, "reason", err)
		reason := err
		err = retry(ctx, c.log, "dead-letter", func() error { return c.pub.DeadLetter(ctx, m, reason) })
		countOutcome(err, "unknown", metrics.StatusDeadLettered)
		if err != nil {
			return err
		}
		// With a readable id and actor someone may be waiting: answer them.
		// Without, nobody can be: the message is only set aside.
		answer, ok := domain.Answerable(m.Value)
		if !ok {
			return nil
		}
		out := c.reject(ctx, answer)
		return retry(ctx, c.log, "publish outcome", func() error { return c.pub.PublishOutcome(ctx, answer.Actor, out) })
	}
	var status string // DEAD_LETTERED, or the outcome's
	out, err := c.decide(ctx, cmd, failures)
	if reason := err; errors.Is(reason, errUnprocessable) {
		c.log.Error("command sent to dead-letter topic", "command", cmd.ID, "type", cmd.Type, "err", reason)
		if err := retry(ctx, c.log, "dead-letter", func() error { return c.pub.DeadLetter(ctx, m, reason) }); err != nil {
			return err
		}
		out = c.reject(ctx, cmd)
		status = metrics.StatusDeadLettered
	} else if err != nil {
		return err
	}
	err = retry(ctx, c.log, "publish outcome", func() error { return c.pub.PublishOutcome(ctx, cmd.Actor, out) })
	if status == "" {
		status = string(out.Status)
	}
	countOutcome(err, string(cmd.Type), status)
	return err
}

// errUnprocessable: the command failed MaxAttempts times while the store
// was healthy.
var errUnprocessable = errors.New("unprocessable")

// decide executes cmd until it succeeds, ctx ends, or it has failed
// MaxAttempts times (errUnprocessable). Only failures that are the
// command's count: while the store is down or answers with a transient
// error (a deadlock, a leader switch) the partition waits, as those
// commands are fine and the store is not. An attempt that runs into its
// own deadline while the store answers is the command's failure.
func (c *Consumer) decide(ctx context.Context, cmd domain.Command, failures *int) (domain.Outcome, error) {
	for held := 0; ; {
		if *failures >= c.cfg.MaxAttempts {
			// Set aside on an earlier pass that ran out of time afterwards.
			return domain.Outcome{}, fmt.Errorf("%w: command %s failed %d times", errUnprocessable, cmd.ID, *failures)
		}
		actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
		out, replayed, err := c.execute(actx, cmd)
		cancel()
		if err == nil {
			crashPoint(crashAfterDecide) // test-only hook
			c.log.Debug("command decided", "command", cmd.ID, "type", cmd.Type, "status", out.Status, "replayed", replayed)
			return out, nil
		}
		if ctx.Err() != nil {
			return domain.Outcome{}, ctx.Err() // a stop or the pass's bound: not the command's doing
		}
		wait := 0
		if errors.Is(err, store.ErrTransient) || !c.storeReady(ctx) {
			held++
			wait = held
			c.log.Warn("graph store trouble; holding the partition", "command", cmd.ID, "err", err)
		} else {
			*failures++
			wait = *failures
			if *failures >= c.cfg.MaxAttempts {
				return domain.Outcome{}, fmt.Errorf("%w: command %s failed %d times: %w", errUnprocessable, cmd.ID, *failures, err)
			}
			c.log.Warn("command failed; retrying", "command", cmd.ID, "attempt", *failures, "err", err)
		}
		if err := sleep(ctx, backoff(wait)); err != nil {
			return domain.Outcome{}, err
		}
	}
}

// storeReady asks the store whether it answers, within an attempt's bound.
func (c *Consumer) storeReady(ctx context.Context) bool {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
	defer cancel()
	return c.exec.Ready(rctx) == nil
}

// reject records that cmd was set aside, so that commandReceipt and a
// redelivery find the answer. If the store already holds an outcome (the
// command was recorded on an earlier delivery), that one stands. If even
// the record fails, the answer is still published: a waiting mutation
// learns it, though a later receipt query may say ACCEPTED.
func (c *Consumer) reject(ctx context.Context, cmd domain.Command) domain.Outcome {
	rejected := domain.Rejected(cmd, domain.ReasonUnprocessable)
	decide := func(context.Context, domain.State, domain.Command, time.Time) (domain.Outcome, error) {
		return rejected, nil
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
	defer cancel()
	out, _, err := c.exec.Execute(actx, cmd, decide)
	if err != nil {
		c.log.Error("recording the rejection of a dead-lettered command failed", "command", cmd.ID, "err", err)
		return rejected
	}
	return out
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
