package app

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// fakeStreams records the stream opened last, for the test to deliver to.
type fakeStreams struct {
	opened  int
	topic   stream.Topic
	opts    stream.Options
	deliver func(context.Context, stream.Message) bool
}

func (f *fakeStreams) StreamTo(_ context.Context, topic stream.Topic, o stream.Options,
	deliver func(context.Context, stream.Message) bool, _ func()) error {
	f.opened++
	f.topic, f.opts, f.deliver = topic, o, deliver
	return nil
}

// relations answers Relationships from a table, the rest from the memory store.
type relations struct {
	store.Reader
	of map[string]store.Relationship
}

func (r relations) Relationships(context.Context, string, []string) (map[string]store.Relationship, error) {
	return r.of, nil
}

func newStreamsApp(t *testing.T, r Reader) (*Application, *fakeStreams) {
	t.Helper()
	fs := &fakeStreams{}
	a, err := New(Config{}, &countingBus{}, NewWaiter(), r, noIdentity{}, fs)
	if err != nil {
		t.Fatal(err)
	}
	return a, fs
}

func followed(t *testing.T, follower, followee string) stream.Message {
	t.Helper()
	data, err := json.Marshal(domain.FollowData{FollowerID: follower, FolloweeID: followee})
	if err != nil {
		t.Fatal(err)
	}
	return stream.NewMessage(domain.Event{ID: domain.NewID(), Type: domain.EvFollowed, Subject: follower, Data: data})
}

// TestNotificationsCarryOnlyTheCallersUnsuppressed: the notifications
// stream listens to the caller as recipient, live, and hands over only the
// caller's notifications from persons no block or mute separates them
// from; the message that ends a stream always passes.
func TestNotificationsCarryOnlyTheCallersUnsuppressed(t *testing.T) {
	me, friend, blocked, muted := domain.NewID(), domain.NewID(), domain.NewID(), domain.NewID()
	a, fs := newStreamsApp(t, relations{Reader: memory.New(), of: map[string]store.Relationship{
		blocked: {BlockedBy: true}, muted: {Muting: true}}})
	var got []stream.Message
	sub := Subscriber{Deliver: func(_ context.Context, m stream.Message) bool { got = append(got, m); return true }}
	if _, err := a.Queries.OpenNotifications(signedIn(me), OpenNotifications{sub}); err != nil {
		t.Fatal(err)
	}
	if fs.topic != stream.Recipient(me) || fs.opts.After != nil || fs.opts.Single {
		t.Fatalf("opened %+v %+v, want the caller's notifications, live", fs.topic, fs.opts)
	}
	ctx := context.Background()
	for _, m := range []stream.Message{followed(t, friend, me), followed(t, blocked, me), followed(t, muted, me),
		followed(t, friend, domain.NewID()), {Err: stream.ErrFellBehind, Cursor: "c"}} {
		if !fs.deliver(ctx, m) {
			t.Fatal("the filter ended the stream")
		}
	}
	if len(got) != 2 || got[0].Event.Subject != friend || got[1].Err != stream.ErrFellBehind {
		t.Fatalf("handed over %+v, want the friend's follow, then the end", got)
	}
}

// TestOpeningReadsTheCursorFirst: a malformed cursor is BAD_USER_INPUT
// and opens nothing; a cursor is resumed after; a person's events are
// one partition's.
func TestOpeningReadsTheCursorFirst(t *testing.T) {
	a, fs := newStreamsApp(t, memory.New())
	bad, person := "not a cursor", domain.NewID()
	if _, err := a.Queries.OpenGraphEvents(signedIn(domain.NewID(), caller.RoleAdmin), OpenGraphEvents{Subscriber{After: &bad}}); domain.KindOf(err) != domain.KindInvalid || fs.opened != 0 {
		t.Fatalf("malformed cursor: %v after %d opened, want BAD_USER_INPUT before any", err, fs.opened)
	}
	if _, err := a.Queries.OpenPersonEvents(context.Background(), OpenPersonEvents{PersonID: "nobody"}); domain.KindOf(err) != domain.KindInvalid || fs.opened != 0 {
		t.Fatalf("malformed person id: %v after %d opened, want BAD_USER_INPUT before any", err, fs.opened)
	}
	after := cursor.Position{3: 41}.Encode()
	if _, err := a.Queries.OpenPersonEvents(context.Background(), OpenPersonEvents{PersonID: person, Subscriber: Subscriber{After: &after}}); err != nil {
		t.Fatal(err)
	}
	if fs.topic != stream.Person(person) || !fs.opts.Single || fs.opts.After[3] != 41 || len(fs.opts.After) != 1 {
		t.Fatalf("opened %+v %+v, want the person's events after offset 41 of partition 3", fs.topic, fs.opts)
	}
}
