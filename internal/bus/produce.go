package bus

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

// Topic roles label the produce metric: the role, not the (prefixed) topic
// name, so dashboards read the same whatever KAFKA_TOPIC_PREFIX is.
const (
	roleCommands    = "commands"
	roleEvents      = "events"
	roleOutcomes    = "outcomes"
	roleDeadLetters = "deadletters"
	roleRaw         = "raw"
)

// write is every produce of the bus: a producer span whose context goes
// into the messages' headers, and the batch's time for the metric.
func (b *Bus) write(ctx context.Context, role string, msgs ...kafka.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ctx, span := tracing.StartSend(ctx, msgs[0].Topic, len(msgs))
	inject(ctx, msgs)
	start := time.Now()
	err := b.p.send(ctx, msgs)
	metrics.Produced(role, time.Since(start))
	tracing.End(span, err)
	return err
}
