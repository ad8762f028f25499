package consumers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

// perCommandTime is added to a batch's bounds for each command it holds:
// a batch is one attempt, and on a loaded machine a full one can take
// longer than a single command's bound; running into that bound would
// send it one by one (and repeat its sends) for no fault of its own.
const perCommandTime = 20 * time.Millisecond

func perCommand(n int) time.Duration { return time.Duration(n) * perCommandTime }

// errFallback: the batch failed for a reason of one of its commands (not
// the store's), so its commands are handled one by one, where the failing
// one is retried and set aside on its own and the others are applied.
var errFallback = errors.New("batch failed; deciding its commands one by one")

// processBatch makes the commands of f durable: decided in one
// transaction, their events published in one write, then their outcomes
// in another, then the offset after the last marked for commit. It keeps
// the guarantees of process (a stop lets the batch in hand finish within a
// bound; the generation ending after a failed pass leaves the batch
// uncommitted for the next owner). A batch of one takes the one-by-one
// path, which costs the same. It reports whether ctx ended, and whether
// the batch fell back to one by one.
func (c *Consumer) processBatch(ctx, gctx context.Context, f fetched, commit func(context.Context, kafka.Message) error) (stopped, fellBack bool) {
	if len(f.msgs) == 1 {
		metrics.ConsumerBatch(1)
		return c.process(ctx, gctx, f.msgs[0], commit), false
	}
	last := f.msgs[len(f.msgs)-1]
	for {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout+perCommand(len(f.cmds)))
		err := c.handleBatch(hctx, f)
		if err == nil {
			crashPointAt(crashBeforeCommit, len(f.msgs)) // test-only hook
			if err := commit(hctx, last); err != nil {
				c.log.Warn("commit failed; the commands may be redelivered", "partition", last.Partition, "offset", last.Offset, "err", err)
			}
		}
		cancel()
		if errors.Is(err, errFallback) {
			c.log.Warn("batch failed; handling its commands one by one", "partition", last.Partition,
				"from", f.msgs[0].Offset, "to", last.Offset, "err", err)
			for _, m := range f.msgs {
				if c.process(ctx, gctx, m, commit) || gctx.Err() != nil {
					return ctx.Err() != nil, true
				}
			}
			return false, true
		}
		if err == nil || ctx.Err() != nil || gctx.Err() != nil {
			return ctx.Err() != nil, false
		}
		// The bound ran out while the store or the bus is failing: try the
		// same batch again; what it recorded is replayed.
	}
}

// handleBatch decides the batch and publishes its outcomes. It returns
// errFallback when a command of the batch fails, or an error when ctx
// ends.
func (c *Consumer) handleBatch(ctx context.Context, f fetched) (err error) {
	// Each message keeps its own processing span, in its sender's trace;
	// the batch's work (decision, sends) hangs under the first one's.
	spans := make([]trace.Span, len(f.msgs))
	for i, m := range f.msgs {
		var sctx context.Context
		sctx, spans[i] = tracing.StartProcess(bus.TraceContext(ctx, m), m.Topic, c.cfg.GroupID, m.Partition, m.Offset)
		if i == 0 {
			ctx = sctx
		}
	}
	defer func() {
		for _, s := range spans {
			tracing.End(s, err)
		}
	}()
	done, err := c.decideBatch(ctx, f)
	if err != nil {
		return err
	}
	crashPointAt(crashAfterDecide, len(done)) // test-only hook
	answers := make([]bus.Answer, len(done))
	for i, d := range done {
		answers[i] = bus.Answer{Actor: f.cmds[i].Actor, Outcome: d.Outcome}
	}
	err = retry(ctx, c.log, "publish outcomes", func() error { return c.pub.PublishBatch(ctx, answers) })
	for i, d := range done {
		countOutcome(err, string(f.cmds[i].Type), string(d.Outcome.Status))
	}
	if err == nil {
		metrics.ConsumerBatch(len(done))
	}
	return err
}

// decideBatch executes the batch until it succeeds, ctx ends, or it fails
// for a reason that is not the store's (errFallback). While the store is
// down or answers with a transient error the partition waits, as decide
// does. A batch that runs into its attempt's deadline falls back too:
// one by one, a command that hangs is counted and set aside on its own.
func (c *Consumer) decideBatch(ctx context.Context, f fetched) ([]store.Executed, error) {
	for held := 0; ; {
		actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout+perCommand(len(f.cmds)))
		done, err := c.executeBatch(actx, f.cmds)
		timedOut := actx.Err() != nil
		cancel()
		if err == nil && len(done) != len(f.cmds) {
			err = fmt.Errorf("the store answered %d of %d commands", len(done), len(f.cmds))
		}
		if err == nil {
			return done, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err() // a stop or the pass's bound: not the batch's doing
		}
		// A batch that ran out of its attempt's time is too slow to finish
		// as one (a slow store, a command that hangs), whatever the error
		// says (a cancelled transaction may look like a lost connection):
		// one by one, each command is judged on its own, and a store that
		// is down still holds the partition there.
		if timedOut || (!errors.Is(err, store.ErrTransient) && c.storeReady(ctx)) {
			return nil, fmt.Errorf("%w: %w", errFallback, err)
		}
		held++
		c.log.Warn("graph store trouble; holding the partition", "commands", len(f.cmds), "err", err)
		if err := sleep(ctx, backoff(held)); err != nil {
			return nil, err
		}
	}
}
