package app

import (
	"context"
	"log/slog"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// The subscriptions: the application decides who may open them, reads
// their cursors, opens them through its Streams port (the hub) and
// filters what the caller's notifications may carry. The transport maps
// the messages it is handed to its own types.

// Streams is the subscription fan-out of this gateway (internal/hub).
type Streams interface {
	// StreamTo streams the events of topic, each stamped with its cursor
	// (after o.After first those of the event store, then live ones),
	// handing them to deliver, in order, from a goroutine of the stream's
	// own. deliver blocks until the message is taken or its ctx ends, and
	// returns false to end the stream; a stream that ends early ends with
	// a message whose Err says why (stream.ErrFellBehind: the subscriber
	// did not keep up) and whose Cursor is where to resume. done is called
	// once the stream is over. A malformed or expired cursor is an error
	// at once (BAD_USER_INPUT, CURSOR_EXPIRED), and then neither is called.
	StreamTo(ctx context.Context, topic stream.Topic, o stream.Options,
		deliver func(context.Context, stream.Message) bool, done func()) error
}

// Subscriber is where a subscription is delivered, as its transport
// takes it: the request of every Open handler carries one.
type Subscriber struct {
	// After is the cursor of the last event the subscriber saw, to resume
	// after; nil: live only.
	After *string
	// Deliver and Done are handed to Streams.StreamTo: the messages of the
	// subscription, then its end (never called if opening fails).
	Deliver func(context.Context, stream.Message) bool
	Done    func()
}

// OpenNotifications opens the notifications subscription of the caller.
type OpenNotifications struct{ Subscriber }

// OpenPersonEvents opens the events of one person (the transport shows
// the public ones).
type OpenPersonEvents struct {
	PersonID string
	Subscriber
}

// OpenGraphEvents opens every event of the graph.
type OpenGraphEvents struct{ Subscriber }

func (s *service) openNotifications(ctx context.Context, caller caller.Identity, q OpenNotifications) (struct{}, error) {
	feed := NotificationFeed{Recipient: caller.PersonID, reader: s.reader}
	sub := q.Subscriber
	sub.Deliver = func(dctx context.Context, m stream.Message) bool {
		if m.Err == nil && !feed.carries(ctx, m) {
			return true // not for the caller: the stream goes on
		}
		return q.Deliver(dctx, m)
	}
	return struct{}{}, s.open(ctx, stream.Recipient(feed.Recipient), false, sub)
}

func (s *service) openPersonEvents(ctx context.Context, _ caller.Identity, q OpenPersonEvents) (struct{}, error) {
	if _, err := domain.ParsePersonID("personId", q.PersonID); err != nil {
		return struct{}{}, err
	}
	// A person's events live in one partition: their cursors name it alone.
	return struct{}{}, s.open(ctx, stream.Person(q.PersonID), true, q.Subscriber)
}

func (s *service) openGraphEvents(ctx context.Context, _ caller.Identity, q OpenGraphEvents) (struct{}, error) {
	return struct{}{}, s.open(ctx, stream.Firehose(), false, q.Subscriber)
}

// open streams topic to sub, resumed after its cursor, until ctx ends or
// the stream does.
func (s *service) open(ctx context.Context, topic stream.Topic, single bool, sub Subscriber) error {
	o := stream.Options{Single: single}
	if sub.After != nil {
		pos, err := cursor.Decode(*sub.After)
		if err != nil {
			return err
		}
		o.After = pos
	}
	return s.streams.StreamTo(ctx, topic, o, sub.Deliver, sub.Done)
}

// NotificationFeed is the caller's notifications subscription.
type NotificationFeed struct {
	// Recipient is the caller, whose notifications the feed carries.
	Recipient string
	reader    Reader
}

// carries reports whether m is a notification of the feed's recipient
// that no block or mute suppresses.
func (f NotificationFeed) carries(ctx context.Context, m stream.Message) bool {
	n, ok := m.Notification()
	return ok && n.Recipient == f.Recipient && !f.Suppressed(ctx, n.ActorID)
}

// Suppressed is the one filter every notification path uses (live
// subscriptions, and a stored inbox): true when the feed's recipient is to
// get no notification caused by actor, because one of them blocks the
// other or the recipient mutes the actor. If the store cannot answer, the
// notification is dropped: a lost notification is better than one from a
// blocked person.
func (f NotificationFeed) Suppressed(ctx context.Context, actor string) bool {
	if f.Recipient == "" || actor == "" {
		return false
	}
	rels, err := f.reader.Relationships(ctx, f.Recipient, []string{actor})
	if err != nil {
		slog.WarnContext(ctx, "notification filter: relationship unreadable; notification dropped", "err", err)
		return true
	}
	rel := rels[actor]
	return rel.Blocking || rel.BlockedBy || rel.Muting
}
