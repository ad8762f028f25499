package bustest

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

func sampleEvent() domain.Event {
	return domain.Event{ID: domain.NewID(), Type: domain.EvInterestAdded, Subject: domain.NewID(),
		At: time.Date(2026, 3, 4, 5, 6, 7, 891011121, time.UTC), CommandID: domain.NewID(),
		Data: json.RawMessage(`{"interest":"go"}`)}
}

// testCloudEventsHeaders: an event is a CloudEvent 1.0 in binary mode with
// exactly these attributes, keyed by its subject, its data the value.
func testCloudEventsHeaders(t *testing.T, b *bus.Bus) {
	ev := sampleEvent()
	if err := b.PublishEvents(ctxFor(t, 30*time.Second), []domain.Event{ev}); err != nil {
		t.Fatal(err)
	}
	msgs := drain(t, b, b.Config().Topics.Events)
	if len(msgs) != 1 {
		t.Fatalf("%d messages on the events topic, want 1", len(msgs))
	}
	m := msgs[0]
	want := map[string]string{
		"ce_specversion": "1.0",
		"ce_id":          ev.ID,
		"ce_type":        "interestgraph.InterestAdded",
		"ce_source":      "/interestgraph",
		"ce_subject":     ev.Subject,
		"ce_time":        "2026-03-04T05:06:07.891011121Z",
		"ce_commandid":   ev.CommandID,
		"content-type":   "application/json",
	}
	if got := headers(t, m); !maps.Equal(got, want) {
		t.Fatalf("headers\n got %v\nwant %v", got, want)
	}
	if string(m.Key) != ev.Subject || string(m.Value) != string(ev.Data) {
		t.Fatalf("key %q value %s, want the subject and the data", m.Key, m.Value)
	}
	back, err := bus.DecodeEvent(m)
	if err != nil || !reflect.DeepEqual(back, ev) {
		t.Fatalf("decoded %+v (%v), want %+v", back, err, ev)
	}
}

// testCommandHeaders: a command is its JSON keyed by its actor, with
// exactly a content type and its command type as headers.
func testCommandHeaders(t *testing.T, b *bus.Bus) {
	cmd, err := domain.NewCommand(domain.CmdAddInterest, domain.NewID(), domain.InterestPayload{Interest: "go"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SendCommand(ctxFor(t, 30*time.Second), cmd); err != nil {
		t.Fatal(err)
	}
	msgs := drain(t, b, b.Config().Topics.Commands)
	if len(msgs) != 1 {
		t.Fatalf("%d commands, want 1", len(msgs))
	}
	want := map[string]string{"content-type": "application/json", "command-type": string(domain.CmdAddInterest)}
	if got := headers(t, msgs[0]); !maps.Equal(got, want) {
		t.Fatalf("headers %v, want %v", got, want)
	}
	var back domain.Command
	if err := json.Unmarshal(msgs[0].Value, &back); err != nil || back.ID != cmd.ID || string(msgs[0].Key) != cmd.Actor {
		t.Fatalf("command %s keyed %q (%v), want %s keyed by its actor", msgs[0].Value, msgs[0].Key, err, cmd.ID)
	}
}

// testOutcomeAfterEvents: PublishOutcome writes the events to the events
// topic and the outcome, without them, keyed by the actor.
func testOutcomeAfterEvents(t *testing.T, b *bus.Bus) {
	ev := sampleEvent()
	out := domain.Outcome{CommandID: ev.CommandID, Status: domain.StatusApplied, Events: []domain.Event{ev}, Bookmarks: []string{"bm"}}
	if err := b.PublishOutcome(ctxFor(t, 30*time.Second), ev.Subject, out); err != nil {
		t.Fatal(err)
	}
	if evs := drain(t, b, b.Config().Topics.Events); len(evs) != 1 || headers(t, evs[0])["ce_id"] != ev.ID {
		t.Fatalf("events topic: %d messages, want the outcome's one event", len(evs))
	}
	outs := drain(t, b, b.Config().Topics.Outcomes)
	if len(outs) != 1 || string(outs[0].Key) != ev.Subject {
		t.Fatalf("outcomes topic: %d messages (want 1 keyed by the actor)", len(outs))
	}
	var got domain.Outcome
	if err := json.Unmarshal(outs[0].Value, &got); err != nil {
		t.Fatal(err)
	}
	want := out
	want.Events = nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("outcome %+v, want %+v (events travel on their own topic)", got, want)
	}
}

// testDeadLetterHeaders: a dead letter keeps the original key, value and
// headers and adds where it came from and why, each with its exact value.
func testDeadLetterHeaders(t *testing.T, b *bus.Bus) {
	orig := kafka.Message{Topic: b.Config().Topics.Commands, Partition: 3, Offset: 41, Key: []byte("actor"),
		Value: []byte("{not json"), Headers: []kafka.Header{{Key: "content-type", Value: []byte("application/json")}}}
	before := time.Now().UTC()
	if err := b.DeadLetter(ctxFor(t, 30*time.Second), orig, errors.New("malformed command: unexpected EOF")); err != nil {
		t.Fatal(err)
	}
	after := time.Now().UTC()
	msgs := drain(t, b, b.Config().Topics.DeadLetters)
	if len(msgs) != 1 {
		t.Fatalf("%d dead letters, want 1", len(msgs))
	}
	m := msgs[0]
	got := headers(t, m)
	at, err := time.Parse(time.RFC3339Nano, got["dlq-time"])
	if err != nil || at.Before(before.Truncate(time.Microsecond)) || at.After(after) || at.Location() != time.UTC {
		t.Fatalf("dlq-time %q (%v): want RFC 3339 UTC between %s and %s", got["dlq-time"], err, before, after)
	}
	delete(got, "dlq-time")
	want := map[string]string{
		"content-type":  "application/json",
		"dlq-reason":    "malformed command: unexpected EOF",
		"dlq-topic":     orig.Topic,
		"dlq-partition": strconv.Itoa(orig.Partition),
		"dlq-offset":    strconv.FormatInt(orig.Offset, 10),
	}
	if !maps.Equal(got, want) {
		t.Fatalf("dead-letter headers\n got %v\nwant %v", got, want)
	}
	if string(m.Key) != "actor" || string(m.Value) != "{not json" {
		t.Fatalf("dead letter key %q value %q, want the original's", m.Key, m.Value)
	}
}
