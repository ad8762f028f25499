package main

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// v7At is a UUIDv7 whose timestamp is at: what a command issued then
// would carry.
func v7At(t *testing.T, at time.Time) string {
	t.Helper()
	u := uuid.Must(uuid.NewV7())
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(at.UnixMilli()))
	copy(u[0:6], ms[2:8])
	return u.String()
}

// TestReceiptsThatCanEnd: commandReceipt of an id no command carries is
// NOT_FOUND once the id is too old to be queued (or cannot be a command id
// at all), instead of ACCEPTED for ever; a malformed id is "not a valid
// command id".
func TestReceiptsThatCanEnd(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	const q = `query($id: ID!) { commandReceipt(commandId: $id) { status } }`
	cases := []struct{ name, id, code, msgHas string }{
		{"malformed", "42", "BAD_USER_INPUT", "not a valid command id"},
		{"random v4", uuid.NewString(), "NOT_FOUND", ""},
		{"older than the commands' retention", v7At(t, time.Now().Add(-8*24*time.Hour)), "NOT_FOUND", ""},
		{"a day ahead", v7At(t, time.Now().Add(24*time.Hour)), "NOT_FOUND", ""},
	}
	for _, c := range cases {
		r := rs.do(t, ann.Token, q, map[string]any{"id": c.id})
		if r.code() != c.code {
			t.Errorf("%s: code %q, want %s (%s %+v)", c.name, r.code(), c.code, r.Data, r.Errors)
			continue
		}
		if !strings.Contains(r.Errors[0].Message, c.msgHas) {
			t.Errorf("%s: message %q does not say %q", c.name, r.Errors[0].Message, c.msgHas)
		}
	}
	// An id younger than the commands topic's retention may still be in
	// the queue (a consumer holds its partition through a store outage of
	// hours): ACCEPTED, never a NOT_FOUND that would make a client repeat a
	// transfer that is only waiting.
	for _, age := range []time.Duration{0, time.Hour, 6 * 24 * time.Hour} {
		var fresh struct{ CommandReceipt receipt }
		rs.must(t, ann.Token, q, map[string]any{"id": v7At(t, time.Now().Add(-age))}, &fresh)
		if fresh.CommandReceipt.Status != "ACCEPTED" {
			t.Errorf("unknown id %v old: %+v, want ACCEPTED", age, fresh)
		}
	}
	// A real command's receipt is its outcome.
	r := rs.mutate(t, ann.Token, "addInterest", "name", "receipts")
	var got struct{ CommandReceipt receipt }
	rs.must(t, ann.Token, q, map[string]any{"id": r.CommandID}, &got)
	if got.CommandReceipt.Status != r.Status || r.Status != "APPLIED" {
		t.Errorf("real command: mutation %+v, receipt %+v", r, got)
	}
}
