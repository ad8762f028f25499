package consumers

import (
	"context"
	"errors"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
)

// Sealing returns pub with the personal fields of every event it publishes
// sealed under their owner's key (internal/shred), so that the event store
// never holds them in clear text and a deletion, by destroying the key,
// makes every copy unreadable. Sealing happens here, just before the
// events leave, and after the store recorded the outcome: the bus knows no
// keys, and the store's records are scrubbed by the deletion itself.
//
// A key-store error fails the publish, which the consumer retries like a
// broker error: an event is never published unsealed.
func Sealing(pub Publisher, keys shred.KeyMaker) Publisher {
	return sealingPublisher{Publisher: pub, keys: keys}
}

type sealingPublisher struct {
	Publisher
	keys shred.KeyMaker
}

func (p sealingPublisher) PublishOutcome(ctx context.Context, actor string, out domain.Outcome) error {
	events, err := shred.SealEvents(ctx, p.keys, out.Events)
	if err != nil {
		return err
	}
	out.Events = events
	return p.Publisher.PublishOutcome(ctx, actor, out)
}

// PublishBatch seals the events of every answer as PublishOutcome does,
// in one pass (one key lookup per owner), into copies: the caller may
// retry with the same answers, which must not be sealed twice.
func (p sealingPublisher) PublishBatch(ctx context.Context, answers []bus.Answer) error {
	var events []domain.Event
	for _, a := range answers {
		events = append(events, a.Outcome.Events...)
	}
	sealed, err := shred.SealEvents(ctx, p.keys, events)
	if err != nil {
		return err
	}
	out := make([]bus.Answer, len(answers))
	for i, a := range answers {
		n := len(a.Outcome.Events)
		a.Outcome.Events, sealed = sealed[:n:n], sealed[n:]
		out[i] = a
	}
	return p.Publisher.PublishBatch(ctx, out)
}

// PublishEvents seals too, for the crash-point hook (crashpoint.go), which
// publishes the events of an outcome on their own.
func (p sealingPublisher) PublishEvents(ctx context.Context, events []domain.Event) error {
	ep, ok := p.Publisher.(eventsPublisher)
	if !ok {
		return errors.New("consumers: the sealed publisher cannot publish events alone")
	}
	sealed, err := shred.SealEvents(ctx, p.keys, events)
	if err != nil {
		return err
	}
	return ep.PublishEvents(ctx, sealed)
}
