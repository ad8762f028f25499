package hub

import (
	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/domain"
)

type topicKind uint8

const (
	kindPerson topicKind = iota + 1
	kindRecipient
	kindFirehose
)

// String names the kind for the subscriptions_active metric: a fixed set.
func (k topicKind) String() string {
	switch k {
	case kindPerson:
		return "person"
	case kindRecipient:
		return "recipient"
	case kindFirehose:
		return "firehose"
	}
	return "other"
}

// Topic is what a subscription listens to. The hub indexes subscriptions
// by topic, so a publish costs only as much as the subscriptions the event
// is for, however many listen to other topics.
type Topic struct {
	kind topicKind
	id   string
}

// Person listens to the events a person caused (the event's subject).
func Person(id string) Topic { return Topic{kindPerson, id} }

// Recipient listens to the events addressed to a person: followed by
// someone, coins received.
func Recipient(id string) Topic { return Topic{kindRecipient, id} }

// Firehose listens to every event (admins).
func Firehose() Topic { return Topic{kind: kindFirehose} }

// Message is an event as the hub hands it out. Its data is decoded once
// per publish and shared by every subscriber; treat it as read-only.
type Message struct {
	Event domain.Event
	// Data is the decoded value (not pointer) of the event's data for the
	// types subscriptions read: InterestData, FollowData,
	// CoinsTransferredData. nil for other types or data that did not decode.
	Data any
	// Partition and Offset place the event in the event store (-1: not
	// from it).
	Partition int
	Offset    int64
	// Cursor is the subscriber's resume position after this event (set by
	// Stream for each subscriber; "" when the event has no position).
	Cursor string
	// Err, on the last message of a stream, says why it ended early (a
	// subscriber fell behind, the event store failed); Cursor is then the
	// position of the last event delivered.
	Err error
	// Trace is the span that published the event (from its Kafka headers),
	// the parent of each delivery's span; invalid when there was none.
	Trace trace.SpanContext
}

// decode reads the data of ev once, for routing and for every subscriber.
func decode(ev domain.Event) Message {
	m := Message{Event: ev, Partition: -1, Offset: -1}
	switch ev.Type {
	case domain.EvInterestAdded, domain.EvInterestRemoved:
		var d domain.InterestData
		if ev.DecodeData(&d) == nil {
			m.Data = d
		}
	case domain.EvFollowed, domain.EvUnfollowed:
		var d domain.FollowData
		if ev.DecodeData(&d) == nil {
			m.Data = d
		}
	case domain.EvCoinsTransferred:
		var d domain.CoinsTransferredData
		if ev.DecodeData(&d) == nil {
			m.Data = d
		}
	}
	return m
}

// isFor reports whether m is published to t.
func (m Message) isFor(t Topic) bool {
	for _, mt := range m.topics() {
		if mt == t {
			return true
		}
	}
	return false
}

// topics are the topics m is published to.
func (m Message) topics() []Topic {
	ts := []Topic{Firehose(), Person(m.Event.Subject)}
	switch d := m.Data.(type) {
	case domain.FollowData:
		if m.Event.Type == domain.EvFollowed {
			ts = append(ts, Recipient(d.FolloweeID))
		}
	case domain.CoinsTransferredData:
		ts = append(ts, Recipient(d.To))
	}
	return ts
}
