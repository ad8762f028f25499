package main

import (
	"testing"
	"time"
)

// TestResumeAcrossGatewayAndConsumerRestarts: a cursor outlives the
// gateway that issued it and the consumer that decided its event (real
// stack: the embedded default keeps nothing across restarts).
func TestResumeAcrossGatewayAndConsumerRestarts(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, realStack)
	cfg.JWTPrivateKeyFile = writeKey(t)
	cfg.KafkaSessionTimeout = 6 * time.Second // the restarted consumer takes over sooner
	consumer := startService(t, cfg, roles{consumer: true})
	gw := startService(t, cfg, roles{gateway: true})
	ann := gw.register(t, "Ann")
	ws := gw.ws(t, "")
	ws.subscribe("e", resumePersonQuery, map[string]any{"p": ann.ID})
	gw.waitSubscriptions(t, 1)
	seen := gw.mutate(t, ann.Token, "addInterest", "name", "before-restart").CommandID
	var ev struct {
		PersonEvents struct{ Cursor, CommandID string }
	}
	for ws.next("e", &ev); ev.PersonEvents.CommandID != seen; ws.next("e", &ev) {
	}
	last := ev.PersonEvents.Cursor
	_ = ws.conn.CloseNow()
	gw.stop()
	consumer.stop()

	startService(t, cfg, roles{consumer: true})
	gw2 := startService(t, cfg, roles{gateway: true})
	var missed []string
	for _, name := range []string{"after-restart1", "after-restart2"} {
		// The new consumer may still be joining the group: a command then
		// waits for it (ACCEPTED) and is applied once it has.
		r := gw2.mutate(t, ann.Token, "addInterest", "name", name)
		if r.Status != "APPLIED" && waitOutcome(t, gw2, r.CommandID).Status != "APPLIED" {
			t.Fatalf("after the restarts: %+v", r)
		}
		missed = append(missed, r.CommandID)
	}
	again := gw2.ws(t, "")
	again.subscribe("e", resumePersonQuery, map[string]any{"p": ann.ID, "after": last})
	for _, want := range missed {
		again.next("e", &ev)
		if ev.PersonEvents.CommandID != want {
			t.Fatalf("resumed after restarts: got %+v, want %s (missed %v)", ev.PersonEvents, want, missed)
		}
	}
	live := gw2.mutate(t, ann.Token, "addInterest", "name", "live-after-restart").CommandID
	if again.next("e", &ev); ev.PersonEvents.CommandID != live {
		t.Fatalf("live after replay: got %+v, want %s", ev.PersonEvents, live)
	}
}
