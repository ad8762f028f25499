package stream

import (
	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Message is an event as a stream hands it out. Its data is decoded once
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
	// the stream for each subscriber; "" when the event has no position).
	Cursor string
	// Err, on the last message of a stream, says why it ended early (a
	// subscriber fell behind, the event store failed); Cursor is then the
	// position of the last event delivered.
	Err error
	// Trace is the span that published the event (from its Kafka headers),
	// the parent of each delivery's span; invalid when there was none.
	Trace trace.SpanContext
}

// NewMessage reads the data of ev once, for routing and for every
// subscriber. It has no position in the event store yet.
func NewMessage(ev domain.Event) Message {
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

// Notification returns the notification m means, if any (being followed,
// receiving coins), from the data decoded once: the live counterpart of
// domain.NotificationOf, and what a Recipient topic carries.
func (m Message) Notification() (domain.Notification, bool) {
	ev := m.Event
	n := domain.Notification{ID: ev.ID, At: ev.At}
	switch d := m.Data.(type) {
	case domain.FollowData:
		if ev.Type != domain.EvFollowed {
			return domain.Notification{}, false
		}
		n.Recipient, n.Kind, n.ActorID = d.FolloweeID, domain.NotificationFollowed, d.FollowerID
	case domain.CoinsTransferredData:
		n.Recipient, n.Kind, n.ActorID, n.Amount = d.To, domain.NotificationCoinsReceived, d.From, d.Amount
	default:
		return domain.Notification{}, false
	}
	return n, true
}

// IsFor reports whether m is published to t.
func (m Message) IsFor(t Topic) bool {
	for _, mt := range m.Topics() {
		if mt == t {
			return true
		}
	}
	return false
}

// Topics are the topics m is published to: every event to the firehose
// and to its subject, a notification also to its recipient.
func (m Message) Topics() []Topic {
	ts := []Topic{Firehose(), Person(m.Event.Subject)}
	if n, ok := m.Notification(); ok {
		ts = append(ts, Recipient(n.Recipient))
	}
	return ts
}
