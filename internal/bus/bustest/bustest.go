// Package bustest is the contract suite every Kafka the bus runs on must
// pass: the embedded kfake broker and a real cluster. It is a normal
// (non-test) package so that each backend's tests run it. Each test makes
// topics of its own, so runs share a cluster safely.
package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// Partitions is the partition count of the suite's topics: more than one,
// and odd, so that a wrong partitioner shows.
const Partitions = 5

// Factory returns the brokers' address and how to reach them (security
// included); the suite sets topics and partitions.
type Factory func(t *testing.T) bus.Config

// Run runs the whole contract against the Kafka newConfig names.
func Run(t *testing.T, newConfig Factory) {
	tests := map[string]func(*testing.T, *bus.Bus){
		"CloudEventsHeaders":  testCloudEventsHeaders,
		"CommandHeaders":      testCommandHeaders,
		"OutcomeAfterEvents":  testOutcomeAfterEvents,
		"KeyPlacementMurmur2": testKeyPlacement,
		"TailFromEnd":         testTailFromEnd,
		"TailFromStart":       testTailFromStart,
		"DrainStopsAtTheEnd":  testDrain,
		"DeadLetterHeaders":   testDeadLetterHeaders,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, open(t, newConfig(t)))
		})
	}
}

// open makes the test's own topics and a bus on them.
func open(t *testing.T, cfg bus.Config) *bus.Bus {
	t.Helper()
	cfg.Topics = bus.DefaultTopics("bustest-" + testsupport.Unique() + ".")
	cfg.Partitions, cfg.ReplicationFactor = Partitions, 1
	if err := bus.EnsureTopics(ctxFor(t, time.Minute), cfg); err != nil {
		t.Fatal(err)
	}
	b, err := bus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// drain returns every message of topic written so far.
func drain(t *testing.T, b *bus.Bus, topic string) []kafka.Message {
	t.Helper()
	return Drain(t, ctxFor(t, 30*time.Second), b.Config(), topic)
}

// Drain returns every message of topic written so far, partition by
// partition in offset order, failing the test if ctx ends first.
func Drain(t testing.TB, ctx context.Context, cfg bus.Config, topic string) []kafka.Message {
	t.Helper()
	tail, err := bus.NewTail(ctx, cfg, topic, bus.FromStart)
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	var out []kafka.Message
	if err := tail.Drain(ctx, func(_ context.Context, m kafka.Message) error { out = append(out, m); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// headers returns the headers as a map, failing on a repeated key (a
// reader would see only one of them).
func headers(t *testing.T, m kafka.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, h := range m.Headers {
		if _, dup := out[h.Key]; dup {
			t.Fatalf("header %q twice", h.Key)
		}
		out[h.Key] = string(h.Value)
	}
	return out
}
