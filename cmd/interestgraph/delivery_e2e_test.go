package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/bus/bustest"
	"github.com/interestgraph/interestgraph/internal/domain"
)

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// drain returns every message on topic up to its current end.
func drain(t *testing.T, rs *running, topic string) []kafka.Message {
	t.Helper()
	return bustest.Drain(t, ctxFor(t, 30*time.Second), rs.busCfg, topic)
}

func waitOutcome(t *testing.T, rs *running, id string) domain.Outcome {
	t.Helper()
	var out domain.Outcome
	eventually(t, time.Minute, "outcome of "+id, func() bool {
		o, _, found, err := rs.store.CommandOutcome(context.Background(), id)
		out = o
		return err == nil && found
	})
	return out
}

// TestDuplicateDelivery: a command delivered twice is applied once, and
// its original outcome is published again.
func TestDuplicateDelivery(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
		cmd, _ := domain.NewCommand(domain.CmdFollow, ann.ID, domain.FollowPayload{PersonID: bob.ID}, time.Now())
		ctx := ctxFor(t, time.Minute)
		for range 2 {
			if err := rs.bus.SendCommand(ctx, cmd); err != nil {
				t.Fatal(err)
			}
		}
		if out := waitOutcome(t, rs, cmd.ID); out.Status != domain.StatusApplied {
			t.Fatalf("outcome: %+v", out)
		}
		var outcomes int
		eventually(t, time.Minute, "two published outcomes", func() bool {
			outcomes = 0
			for _, m := range drain(t, rs, rs.busCfg.Topics.Outcomes) {
				if strings.Contains(string(m.Value), cmd.ID) {
					outcomes++
				}
			}
			return outcomes >= 2
		})
		if outcomes != 2 {
			t.Fatalf("outcomes published: %d, want 2", outcomes)
		}
		p, err := rs.store.PersonsByIDs(ctx, []string{bob.ID})
		if err != nil || p[bob.ID].FollowerCount != 1 {
			t.Fatalf("bob after duplicate delivery: %+v %v", p, err)
		}
		var followed int
		for _, m := range drain(t, rs, rs.busCfg.Topics.Events) {
			ev, err := bus.DecodeEvent(m)
			if err != nil {
				t.Fatalf("event on the event store is not a CloudEvent: %v", err)
			}
			if ev.CommandID == cmd.ID {
				followed++
				if ev.Type != domain.EvFollowed || string(m.Key) != ann.ID {
					t.Fatalf("event %+v key %s", ev, m.Key)
				}
			}
		}
		// Re-publishing may repeat the event (same ce_id); it never invents a second one.
		if followed < 1 {
			t.Fatal("Followed event missing from the events topic")
		}
	})
}

// TestMalformedCommandGoesToDeadLetters: a malformed message is set aside
// with its reason, and the partition keeps going.
func TestMalformedCommandGoesToDeadLetters(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann := rs.register(t, "Ann")
		ctx := ctxFor(t, time.Minute)
		// Same key as Ann's commands, so the same partition: the good command
		// after it proves the partition is not blocked.
		bad := []kafka.Message{
			{Topic: rs.busCfg.Topics.Commands, Key: []byte(ann.ID), Value: []byte("this is not json")},
			{Topic: rs.busCfg.Topics.Commands, Key: []byte(ann.ID), Value: []byte(`{"id":"x","type":"Follow"}`)},
		}
		if err := rs.bus.WriteRaw(ctx, bad...); err != nil {
			t.Fatal(err)
		}
		good, _ := domain.NewCommand(domain.CmdAddInterest, ann.ID, domain.InterestPayload{Interest: "after the poison"}, time.Now())
		if err := rs.bus.SendCommand(ctx, good); err != nil {
			t.Fatal(err)
		}
		if out := waitOutcome(t, rs, good.ID); out.Status != domain.StatusApplied {
			t.Fatalf("good command after malformed ones: %+v", out)
		}
		dl := drain(t, rs, rs.busCfg.Topics.DeadLetters)
		if len(dl) != 2 {
			t.Fatalf("dead letters: %d, want 2", len(dl))
		}
		for i, m := range dl {
			h := map[string]string{}
			for _, x := range m.Headers {
				h[x.Key] = string(x.Value)
			}
			if string(m.Value) != string(bad[i].Value) || h["dlq-reason"] == "" || h["dlq-topic"] != rs.busCfg.Topics.Commands || h["dlq-offset"] == "" {
				t.Fatalf("dead letter %d: value %q headers %v", i, m.Value, h)
			}
		}
	})
}
