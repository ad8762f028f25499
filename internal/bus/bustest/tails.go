package bustest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// testKeyPlacement: every message lands on the partition the Java
// client's default partitioner would pick for its key, so that Java or
// other clients keyed the same way agree with us on ordering.
func testKeyPlacement(t *testing.T, b *bus.Bus) {
	var cmds []domain.Command
	for range 40 {
		cmd, err := domain.NewCommand(domain.CmdAddInterest, domain.NewID(), domain.InterestPayload{Interest: "go"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	if err := b.SendCommands(ctxFor(t, 30*time.Second), cmds...); err != nil {
		t.Fatal(err)
	}
	msgs := drain(t, b, b.Config().Topics.Commands)
	if len(msgs) != len(cmds) {
		t.Fatalf("%d commands read, want %d", len(msgs), len(cmds))
	}
	used := map[int]bool{}
	for _, m := range msgs {
		used[m.Partition] = true
		if want := javaPartition(m.Key, Partitions); m.Partition != want {
			t.Errorf("key %s on partition %d, the Java partitioner picks %d", m.Key, m.Partition, want)
		}
	}
	if len(used) < 2 {
		t.Fatalf("40 keys on %d partition(s): the check above proves nothing", len(used))
	}
}

// keyed is a raw message on the events topic with the given key and value.
func keyed(b *bus.Bus, key, value string) kafka.Message {
	return kafka.Message{Topic: b.Config().Topics.Events, Key: []byte(key), Value: []byte(value)}
}

// collect runs tail until it has seen a message with value last, and
// returns the values seen, in order.
func collect(t *testing.T, tail *bus.Tail, last string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	var seen []string
	tail.Run(ctx, func(_ context.Context, m kafka.Message) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, string(m.Value))
		if string(m.Value) == last {
			cancel()
		}
	})
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 || seen[len(seen)-1] != last {
		t.Fatalf("tail saw %v, never %q", seen, last)
	}
	return seen
}

// testTailFromEnd: a tail from the end sees what is written after it was
// made and nothing before (one key, so one partition and its order).
func testTailFromEnd(t *testing.T, b *bus.Bus) {
	ctx := ctxFor(t, 30*time.Second)
	if err := b.WriteRaw(ctx, keyed(b, "k", "old")); err != nil {
		t.Fatal(err)
	}
	tail, err := bus.NewTail(ctx, b.Config(), b.Config().Topics.Events, bus.FromEnd)
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	if err := b.WriteRaw(ctx, keyed(b, "k", "new")); err != nil {
		t.Fatal(err)
	}
	if seen := collect(t, tail, "new"); fmt.Sprint(seen) != "[new]" {
		t.Fatalf("tail from the end saw %v, want [new]", seen)
	}
}

// testTailFromStart: a tail from the start sees everything, in order.
func testTailFromStart(t *testing.T, b *bus.Bus) {
	ctx := ctxFor(t, 30*time.Second)
	if err := b.WriteRaw(ctx, keyed(b, "k", "1"), keyed(b, "k", "2")); err != nil {
		t.Fatal(err)
	}
	tail, err := bus.NewTail(ctx, b.Config(), b.Config().Topics.Events, bus.FromStart)
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	if err := b.WriteRaw(ctx, keyed(b, "k", "3")); err != nil {
		t.Fatal(err)
	}
	if seen := collect(t, tail, "3"); fmt.Sprint(seen) != "[1 2 3]" {
		t.Fatalf("tail from the start saw %v, want [1 2 3]", seen)
	}
}

// testDrain: Drain returns what every partition held when the tail was
// made, each partition in order, and stops there.
func testDrain(t *testing.T, b *bus.Bus) {
	ctx := ctxFor(t, 30*time.Second)
	want := map[string][]string{}
	var msgs []kafka.Message
	for i := range 30 {
		key := fmt.Sprint("key-", i%7)
		msgs = append(msgs, keyed(b, key, fmt.Sprint(i)))
		want[key] = append(want[key], fmt.Sprint(i))
	}
	if err := b.WriteRaw(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	tail, err := bus.NewTail(ctx, b.Config(), b.Config().Topics.Events, bus.FromStart)
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	if err := b.WriteRaw(ctx, keyed(b, "key-0", "after")); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	if err := tail.Drain(ctx, func(_ context.Context, m kafka.Message) error {
		got[string(m.Key)] = append(got[string(m.Key)], string(m.Value))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("drained %v, want %v (nothing written after the tail was made)", got, want)
	}
}
