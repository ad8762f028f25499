package bus_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

func followed(t *testing.T) domain.Event {
	t.Helper()
	data, err := json.Marshal(domain.FollowData{FollowerID: domain.NewID(), FolloweeID: domain.NewID()})
	if err != nil {
		t.Fatal(err)
	}
	return domain.Event{ID: domain.NewID(), Type: domain.EvFollowed, Subject: domain.NewID(),
		At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), CommandID: domain.NewID(), Data: data}
}

// TestOutcomeRoundTrip: what PublishOutcome and PublishBatch write, the
// gateways' outcome feed reads back the same, less the events (they travel
// on the events topic).
func TestOutcomeRoundTrip(t *testing.T) {
	actor := domain.NewID()
	for _, out := range []domain.Outcome{
		{CommandID: domain.NewID(), Status: domain.StatusApplied, Bookmarks: []string{"FB:a", "FB:b"}},
		{CommandID: domain.NewID(), Status: domain.StatusRejected, Reason: "BLOCKED"},
		{CommandID: domain.NewID(), Status: domain.StatusApplied, Events: []domain.Event{followed(t)}},
	} {
		m, err := bus.EncodeOutcome("outcomes", actor, out)
		if err != nil {
			t.Fatal(err)
		}
		if m.Topic != "outcomes" || string(m.Key) != actor {
			t.Fatalf("message to %q keyed %q; want outcomes keyed by the actor", m.Topic, m.Key)
		}
		back, err := bus.DecodeOutcome(m)
		if err != nil {
			t.Fatal(err)
		}
		want := out
		want.Events = nil
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("round trip: got %+v, want %+v", back, want)
		}
	}
}

func TestDecodeOutcomeRefusesWhatIsNotAnOutcome(t *testing.T) {
	for _, raw := range []string{"", "not json", `["a list"]`, `{"commandId": 7}`} {
		m, err := bus.EncodeOutcome("outcomes", "actor", domain.Outcome{})
		if err != nil {
			t.Fatal(err)
		}
		m.Value = []byte(raw)
		if out, err := bus.DecodeOutcome(m); err == nil {
			t.Errorf("DecodeOutcome(%q) = %+v, want an error", raw, out)
		}
	}
}

// TestEventRoundTrip: an event comes back from its CloudEvents message as
// it went in, keyed by its subject.
func TestEventRoundTrip(t *testing.T) {
	ev := followed(t)
	m := bus.EncodeEvent("events", ev)
	if m.Topic != "events" || string(m.Key) != ev.Subject {
		t.Fatalf("message to %q keyed %q; want events keyed by the subject", m.Topic, m.Key)
	}
	back, err := bus.DecodeEvent(m)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != ev.ID || back.Type != ev.Type || back.Subject != ev.Subject || !back.At.Equal(ev.At) ||
		back.CommandID != ev.CommandID || !bytes.Equal(back.Data, ev.Data) {
		t.Fatalf("round trip: got %+v, want %+v", back, ev)
	}
}

func TestDecodeEventRefusesWhatIsNotAnEvent(t *testing.T) {
	for _, bad := range []kafka.Header{
		{Key: "ce_specversion", Value: []byte("0.3")},
		{Key: "ce_time", Value: []byte("yesterday")},
		{Key: "ce_type", Value: []byte("other.Followed")},
		{Key: "ce_id", Value: nil},
	} {
		m := bus.EncodeEvent("events", followed(t))
		for i, h := range m.Headers {
			if h.Key == bad.Key {
				m.Headers[i] = bad
			}
		}
		if ev, err := bus.DecodeEvent(m); err == nil {
			t.Errorf("%s=%q: DecodeEvent = %+v, want an error", bad.Key, bad.Value, ev)
		}
	}
}
