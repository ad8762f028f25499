package consumers

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

// execute is one attempt at cmd against the store, in a decision span and
// timed for the decide metric.
func (c *Consumer) execute(ctx context.Context, cmd domain.Command) (domain.Outcome, bool, error) {
	ctx, span := tracing.StartInternal(ctx, "decide "+string(cmd.Type), attribute.String("interestgraph.command.type", string(cmd.Type)))
	start := time.Now()
	out, replayed, err := c.exec.Execute(ctx, cmd, c.cfg.Policy.Decide)
	metrics.DecideDuration(time.Since(start))
	if err == nil {
		span.SetAttributes(attribute.String("interestgraph.command.status", string(out.Status)), attribute.Bool("interestgraph.command.replayed", replayed))
	}
	tracing.End(span, err)
	return out, replayed, err
}

// executeBatch is one attempt at a batch, in a decision span and timed
// for the decide metric (once: the batch is one transaction).
func (c *Consumer) executeBatch(ctx context.Context, cmds []domain.Command) ([]store.Executed, error) {
	ctx, span := tracing.StartInternal(ctx, "decide batch", attribute.Int("interestgraph.batch.size", len(cmds)))
	start := time.Now()
	done, err := c.exec.ExecuteBatch(ctx, cmds, c.cfg.Policy.Decide)
	metrics.DecideDuration(time.Since(start))
	tracing.End(span, err)
	return done, err
}

// countOutcome counts a command once its answer is on Kafka (err == nil):
// a pass that ran out of time is tried again and counted then.
func countOutcome(err error, typ, status string) {
	if err == nil {
		metrics.CommandDecided(typ, status)
	}
}

// lagInterval is how often a worker asks the broker how far behind it is,
// between commands: a worker stuck on one command (the store is down) shows
// its lag growing instead of the value from before it got stuck.
const lagInterval = 15 * time.Second

// watchLag refreshes the lag of partition until ctx ends or the returned
// stop is called; stop waits for it and removes the partition's series,
// as this process no longer works on it.
func watchLag(ctx context.Context, r *kafka.Reader, partition int) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(lagInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
			if lag, err := r.ReadLag(rctx); err == nil {
				metrics.ConsumerLag(partition, lag)
			}
			rcancel()
		}
	}()
	return func() {
		cancel()
		<-done
		metrics.ConsumerLagGone(partition)
	}
}
