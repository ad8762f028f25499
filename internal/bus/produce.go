package bus

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/metrics"
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

// write is every produce of the bus: it times the batch for the metric.
func (b *Bus) write(ctx context.Context, role string, msgs ...kafka.Message) error {
	start := time.Now()
	err := b.w.WriteMessages(ctx, msgs...)
	metrics.Produced(role, time.Since(start))
	return err
}
