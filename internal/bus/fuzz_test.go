package bus

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// FuzzDecodeEvent: events come off a topic anyone with write access could
// have written to. Decoding never panics; an event it accepts encodes back
// to the same event.
func FuzzDecodeEvent(f *testing.F) {
	f.Add("1.0", "id-1", "interestgraph.Followed", "subject", "2026-01-02T03:04:05.000000006Z", "cmd-1", []byte(`{"followerId":"a"}`))
	f.Add("1.0", "", "interestgraph.", "", "not a time", "", []byte{})
	f.Add("0.3", "x", "other.Type", "s", "2026-01-02T03:04:05Z", "c", []byte(`{}`))
	f.Fuzz(func(t *testing.T, spec, id, typ, subject, at, cmd string, data []byte) {
		m := kafka.Message{Value: data, Headers: []kafka.Header{
			{Key: "ce_specversion", Value: []byte(spec)}, {Key: "ce_id", Value: []byte(id)},
			{Key: "ce_type", Value: []byte(typ)}, {Key: "ce_subject", Value: []byte(subject)},
			{Key: "ce_time", Value: []byte(at)}, {Key: "ce_commandid", Value: []byte(cmd)},
		}}
		ev, err := DecodeEvent(m)
		if err != nil {
			return
		}
		if ev.ID == "" || ev.At.Location() != time.UTC {
			t.Fatalf("accepted an event without id or with a non-UTC time: %+v", ev)
		}
		back, err := DecodeEvent(EncodeEvent("t", ev))
		if err != nil {
			t.Fatalf("round trip refused: %v", err)
		}
		if back.ID != ev.ID || back.Type != ev.Type || back.Subject != ev.Subject || !back.At.Equal(ev.At) ||
			back.CommandID != ev.CommandID || !bytes.Equal(back.Data, ev.Data) {
			t.Fatalf("round trip changed the event: %+v != %+v", back, ev)
		}
	})
}

// FuzzDecodeOutcome: outcomes come off a topic too. Decoding never panics;
// an outcome it accepts encodes back to one that decodes the same.
func FuzzDecodeOutcome(f *testing.F) {
	f.Add([]byte(`{"commandId":"c","status":"APPLIED","bookmarks":["b"]}`))
	f.Add([]byte(`{"commandId":"c","status":"REJECTED","reason":"BLOCKED","events":[{"id":"e"}]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := DecodeOutcome(kafka.Message{Value: raw})
		if err != nil {
			return
		}
		m, err := EncodeOutcome("t", "actor", out)
		if err != nil {
			t.Fatalf("accepted an outcome that does not encode: %v", err)
		}
		back, err := DecodeOutcome(m)
		if err != nil {
			t.Fatalf("round trip refused: %v", err)
		}
		if back.CommandID != out.CommandID || back.Status != out.Status || back.Reason != out.Reason ||
			len(back.Events) != 0 || !slices.Equal(back.Bookmarks, out.Bookmarks) {
			t.Fatalf("round trip changed the outcome: %+v != %+v", back, out)
		}
	})
}
