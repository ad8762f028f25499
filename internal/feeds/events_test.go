package feeds

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
)

// event returns a decided event of type typ about subject, with its
// personal fields sealed under keys.
func event(t *testing.T, keys *fakeKeys, typ domain.EventType, subject string, data any) domain.Event {
	t.Helper()
	cmd := domain.Command{ID: domain.NewID(), Actor: subject}
	ev, err := domain.NewEventForTest(cmd, typ, time.Now().UTC(), data)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := shred.SealEvents(context.Background(), keys, []domain.Event{ev})
	if err != nil {
		t.Fatal(err)
	}
	return sealed[0]
}

func registered(t *testing.T, keys *fakeKeys, person string) domain.Event {
	return event(t, keys, domain.EvPersonRegistered, person,
		domain.PersonRegisteredData{PersonID: person, Name: "Ann", Email: "ann@example.org"})
}

func deleted(t *testing.T, keys *fakeKeys, person string) domain.Event {
	return event(t, keys, domain.EvAccountDeleted, person, domain.AccountDeletedData{PersonID: person})
}

func eventMessage(ev domain.Event, partition int, offset int64) kafka.Message {
	m := bus.EncodeEvent("events", ev)
	m.Partition, m.Offset = partition, offset
	return m
}

func personal(t *testing.T, ev domain.Event) domain.PersonRegisteredData {
	t.Helper()
	var d domain.PersonRegisteredData
	if err := ev.DecodeData(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

// feed returns an events feed on a fake tail holding msgs and an empty
// fake store, and what it feeds.
func feed(t *testing.T, keys *fakeKeys, msgs ...kafka.Message) (*Events, *fakeHub, *fakeDeletions) {
	t.Helper()
	h, d := &fakeHub{}, &fakeDeletions{window: time.Hour}
	e, err := newEvents(t.Context(), EventsConfig{Hub: h, Keys: keys, Deletions: d}, &fakeTail{msgs: msgs}, &fakeStore{})
	if err != nil {
		t.Fatal(err)
	}
	return e, h, d
}

// TestEventsPublishOpenedEventsAtTheirPosition: subscribers get the
// personal fields opened, at the event's partition and offset, in the
// trace of the consumer that published it.
func TestEventsPublishOpenedEventsAtTheirPosition(t *testing.T) {
	keys := newFakeKeys()
	ann := domain.NewID()
	ev := registered(t, keys, ann)
	if !shred.IsSealed(personal(t, ev).Name) {
		t.Fatalf("the event under test is not sealed: %s", ev.Data)
	}
	m := eventMessage(ev, 2, 41)
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	m.Headers = append(m.Headers, kafka.Header{Key: "traceparent", Value: []byte("00-" + traceID + "-00f067aa0ba902b7-01")})
	e, h, _ := feed(t, keys, m)
	runUntilDone(t, e.Run, func() bool { return len(h.all()) == 1 })
	p := h.all()[0]
	if d := personal(t, p.ev); d.Name != "Ann" || d.Email != "ann@example.org" {
		t.Fatalf("published %+v, want the fields opened", d)
	}
	if p.partition != 2 || p.offset != 41 {
		t.Fatalf("published at %d@%d, want 2@41", p.partition, p.offset)
	}
	if got := p.parent.TraceID().String(); got != traceID {
		t.Fatalf("published in trace %s, want %s", got, traceID)
	}
}

// TestEventsDeliverBlankWhenKeysDoNotAnswer: a key store that fails does
// not hold the event back; its personal fields arrive empty.
func TestEventsDeliverBlankWhenKeysDoNotAnswer(t *testing.T) {
	keys := newFakeKeys()
	m := eventMessage(registered(t, keys, domain.NewID()), 0, 0)
	keys.err = errors.New("key store down")
	e, h, _ := feed(t, keys, m)
	runUntilDone(t, e.Run, func() bool { return len(h.all()) == 1 })
	if d := personal(t, h.all()[0].ev); d.Name != "" || d.Email != "" || d.PersonID == "" {
		t.Fatalf("published %+v, want the personal fields empty and the rest kept", d)
	}
}

// TestEventsNoteDeletionsAndForgetKeys: a deletion on the tail is noted
// (its person's tokens are refused) and forgets the person's key, for the
// live tail and for replays alike; an unreadable event is skipped.
func TestEventsNoteDeletionsAndForgetKeys(t *testing.T) {
	keys := newFakeKeys()
	ann := domain.NewID()
	reg := eventMessage(registered(t, keys, ann), 0, 0)
	unreadable := eventMessage(registered(t, keys, ann), 0, 1)
	unreadable.Headers = nil
	e, h, d := feed(t, keys, reg, unreadable, eventMessage(deleted(t, keys, ann), 0, 2), reg)
	runUntilDone(t, e.Run, func() bool { return len(h.all()) == 3 })
	if got := d.all(); !slices.Equal(got, []string{ann}) {
		t.Fatalf("deletions noted %v, want [%s]", got, ann)
	}
	got := h.all()
	if got[1].ev.Type != domain.EvAccountDeleted || got[1].offset != 2 {
		t.Fatalf("second publish %+v, want the deletion at offset 2", got[1])
	}
	if d := personal(t, got[0].ev); d.Name != "Ann" {
		t.Fatalf("before the deletion: %+v, want the name opened", d)
	}
	// The key store still has the key; only the deletion tells the feed.
	if d := personal(t, got[2].ev); d.Name != "" || d.Email != "" {
		t.Fatalf("after the deletion: %+v, want the fields empty", d)
	}
}

// TestNewEventsRefusesIncompleteConfig: every problem at once, before any
// broker is asked.
func TestNewEventsRefusesIncompleteConfig(t *testing.T) {
	_, err := NewEvents(t.Context(), EventsConfig{Keys: newFakeKeys()})
	if err == nil {
		t.Fatal("NewEvents accepted a config without brokers, hub or deletions")
	}
	for _, want := range []string{"broker", "hub"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
