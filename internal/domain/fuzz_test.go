package domain

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// FuzzDecodeCommand: the consumer's first contact with the wire. Whatever
// arrives, decoding answers (never panics), and a command it accepts means
// the same after a round trip through the encoder.
func FuzzDecodeCommand(f *testing.F) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, seed := range []any{
		Command{ID: "0190e5a4-1c2b-7d3e-8f40-123456789abc", Type: CmdFollow, Actor: "0190e5a4-1c2b-7d3e-8f40-123456789abd", At: at, Payload: json.RawMessage(`{"personId":"0190e5a4-1c2b-7d3e-8f40-123456789abe"}`)},
		Command{ID: "0190e5a4-1c2b-7d3e-8f40-123456789abc", Type: CmdTransferCoins, Actor: "0190e5a4-1c2b-7d3e-8f40-123456789abd", At: at, Payload: json.RawMessage(`{"to":"x","amount":5}`)},
	} {
		raw, _ := json.Marshal(seed)
		f.Add(raw)
	}
	f.Add([]byte(`{"id":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := DecodeCommand(raw)
		if err != nil {
			return
		}
		if c.ID == "" || c.Actor == "" || c.At.IsZero() || c.Type == "" {
			t.Fatalf("accepted an incomplete command: %+v", c)
		}
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted command does not encode: %v", err)
		}
		back, err := DecodeCommand(again)
		if err != nil {
			t.Fatalf("round trip refused: %v", err)
		}
		if back.ID != c.ID || back.Type != c.Type || back.Actor != c.Actor || !back.At.Equal(c.At) {
			t.Fatalf("round trip changed the command: %+v != %+v", back, c)
		}
		var p1, p2 any
		if json.Unmarshal(c.Payload, &p1) == nil && json.Unmarshal(back.Payload, &p2) == nil && !reflect.DeepEqual(p1, p2) {
			t.Fatalf("round trip changed the payload: %s != %s", back.Payload, c.Payload)
		}
	})
}
