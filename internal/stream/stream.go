// Package stream holds the values of event subscriptions as the
// application speaks them: what a subscription listens to (Topic), what
// it is handed (Message), where it starts (Options) and why it may end
// early (ErrFellBehind). The hub (internal/hub) streams them through the
// application's port (app.Streams); the resolvers map messages to GraphQL.
package stream

import (
	"errors"

	"github.com/interestgraph/interestgraph/internal/cursor"
)

// ErrFellBehind ends a stream whose subscriber did not keep up.
var ErrFellBehind = errors.New("subscriber fell behind; resume from the last cursor")

// Options say where a stream starts.
type Options struct {
	// After is the position to resume after; nil: live only.
	After cursor.Position
	// Single: the topic's events live in one partition (a person's, keyed
	// by subject), so cursors carry only that partition.
	Single bool
}

type kind uint8

const (
	kindPerson kind = iota + 1
	kindRecipient
	kindFirehose
)

// Topic is what a subscription listens to. The hub indexes subscriptions
// by topic, so a publish costs only as much as the subscriptions the event
// is for, however many listen to other topics.
type Topic struct {
	kind kind
	id   string
}

// Person listens to the events a person caused (the event's subject).
func Person(id string) Topic { return Topic{kindPerson, id} }

// Recipient listens to the events addressed to a person: followed by
// someone, coins received.
func Recipient(id string) Topic { return Topic{kindRecipient, id} }

// Firehose listens to every event (admins).
func Firehose() Topic { return Topic{kind: kindFirehose} }

// Kind names the topic's kind for the subscriptions_active metric: a
// fixed set.
func (t Topic) Kind() string {
	switch t.kind {
	case kindPerson:
		return "person"
	case kindRecipient:
		return "recipient"
	case kindFirehose:
		return "firehose"
	}
	return "other"
}
