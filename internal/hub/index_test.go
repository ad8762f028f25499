package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/stream"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestPublishTouchesOnlyWhoListens: 10,000 subscribers of other people
// cost a publish nothing; the one who listens gets the event.
func TestPublishTouchesOnlyWhoListens(t *testing.T) {
	h := New(0, quiet())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range 10_000 {
		h.Subscribe(ctx, stream.Person(fmt.Sprint("other-", i)))
	}
	mine := h.Subscribe(ctx, stream.Person("me"))
	before := h.touched.Load()
	h.Publish(domain.Event{ID: "e1", Type: domain.EvInterestAdded, Subject: "me", Data: json.RawMessage(`{"personId":"me","interest":"go"}`)})
	if n := h.touched.Load() - before; n != 1 {
		t.Fatalf("publish touched %d subscribers, want only the 1 listening", n)
	}
	select {
	case m := <-mine:
		if d, ok := m.Data.(domain.InterestData); m.Event.ID != "e1" || !ok || d.Interest != "go" {
			t.Fatalf("got %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the listening subscriber got nothing")
	}
}

func TestRecipientAndFirehose(t *testing.T) {
	h := New(0, quiet())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	followee := h.Subscribe(ctx, stream.Recipient("bob"))
	other := h.Subscribe(ctx, stream.Recipient("carol"))
	all := h.Subscribe(ctx, stream.Firehose())
	h.Publish(domain.Event{ID: "f", Type: domain.EvFollowed, Subject: "alice", Data: json.RawMessage(`{"followerId":"alice","followeeId":"bob"}`)})
	h.Publish(domain.Event{ID: "c", Type: domain.EvCoinsTransferred, Subject: "alice", Data: json.RawMessage(`{"from":"alice","to":"carol","amount":3}`)})
	for _, c := range []struct {
		ch   <-chan stream.Message
		want string
	}{{followee, "f"}, {other, "c"}, {all, "f"}, {all, "c"}} {
		select {
		case m := <-c.ch:
			if m.Event.ID != c.want {
				t.Fatalf("got %s, want %s", m.Event.ID, c.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s", c.want)
		}
	}
	// Nothing else was queued for either: the next event each gets is
	// the marker addressed to it.
	h.Publish(domain.Event{ID: "m1", Type: domain.EvFollowed, Subject: "x", Data: json.RawMessage(`{"followerId":"x","followeeId":"bob"}`)})
	h.Publish(domain.Event{ID: "m2", Type: domain.EvFollowed, Subject: "x", Data: json.RawMessage(`{"followerId":"x","followeeId":"carol"}`)})
	for ch, want := range map[<-chan stream.Message]string{followee: "m1", other: "m2"} {
		select {
		case m := <-ch:
			if m.Event.ID != want {
				t.Fatalf("a recipient got %s, an event addressed to someone else (want %s)", m.Event.ID, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s", want)
		}
	}
}
