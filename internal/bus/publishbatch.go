package bus

import (
	"context"
	"fmt"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Answer is one command's outcome and the actor it answers.
type Answer struct {
	Actor   string
	Outcome domain.Outcome
}

// PublishBatch does for several outcomes what PublishOutcome does for one,
// in two writes instead of two per outcome: the events of every outcome,
// in order, and once all are acknowledged, the outcomes. A gateway told
// APPLIED thus has the events on their way too.
func (b *Bus) PublishBatch(ctx context.Context, answers []Answer) error {
	var events []kafka.Message
	outcomes := make([]kafka.Message, 0, len(answers))
	for _, a := range answers {
		for _, ev := range a.Outcome.Events {
			events = append(events, EncodeEvent(b.cfg.Topics.Events, ev))
		}
		m, err := EncodeOutcome(b.cfg.Topics.Outcomes, a.Actor, a.Outcome)
		if err != nil {
			return err
		}
		outcomes = append(outcomes, m)
	}
	if err := b.write(ctx, roleEvents, events...); err != nil {
		return fmt.Errorf("kafka: publish the events of %d commands: %w", len(answers), err)
	}
	if err := b.write(ctx, roleOutcomes, outcomes...); err != nil {
		return fmt.Errorf("kafka: publish %d outcomes: %w", len(answers), err)
	}
	return nil
}
