package bus

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/embedded"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestProducerBoundsWhatWaits: while Kafka refuses, what waits for a
// partition is bounded (a send beyond the bound fails at once), and a send
// whose caller gave up before it went out is never written.
func TestProducerBoundsWhatWaits(t *testing.T) {
	broker, err := embedded.StartBroker(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	cfg := Config{Brokers: broker.Addrs(), Topics: DefaultTopics("bound-" + testsupport.Unique() + "."), Partitions: 1, ReplicationFactor: 1}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := EnsureTopics(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	p := newProducer(cfg)
	p.maxQueued = 3
	t.Cleanup(p.close)
	msg := func(n int) []kafka.Message {
		out := make([]kafka.Message, n)
		for i := range out {
			out[i] = kafka.Message{Topic: cfg.Topics.Commands, Key: []byte("k"), Value: []byte("v")}
		}
		return out
	}
	if err := p.send(ctx, msg(1)); err != nil {
		t.Fatal(err)
	}
	restore := broker.RefuseProduce()
	short := func() context.Context {
		c, cancel := context.WithTimeout(ctx, time.Second) // long enough to be seen queued on a loaded machine
		t.Cleanup(cancel)
		return c
	}
	first := make(chan error, 1)
	go func() { first <- p.send(short(), msg(1)) }()
	tp := topicPartition{cfg.Topics.Commands, 0}
	waitFor(t, "the first send in flight", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		q := p.queues[tp]
		return q != nil && q.busy && len(q.pending) == 0
	})
	second := make(chan error, 1)
	go func() { second <- p.send(short(), msg(2)) }()
	waitFor(t, "the second send queued", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.queues[tp].queued == 2
	})
	if err := p.send(ctx, msg(2)); !errors.Is(err, errQueueFull) {
		t.Fatalf("a send beyond the bound: %v, want %v", err, errQueueFull)
	}
	for _, ch := range []chan error{first, second} {
		if err := <-ch; !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a send while Kafka refuses: %v, want its deadline", err)
		}
	}
	restore()
	waitFor(t, "the partition idle", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return !p.queues[tp].busy
	})
	res, err := p.client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{tp.topic: {kafka.LastOffsetOf(0)}}})
	if err != nil {
		t.Fatal(err)
	}
	// 1 before the refusal, at most 1 more from the request in flight
	// (retried after the restore); never the 2 whose caller gave up.
	if end := res.Topics[tp.topic][0].LastOffset; end > 2 {
		t.Fatalf("end offset %d: a send whose caller gave up was written", end)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSplitRequestsKeepsOrderWithinBounds(t *testing.T) {
	var msgs []kafka.Message
	for i := range 2*maxRequestMessages + 5 {
		msgs = append(msgs, kafka.Message{Value: []byte{byte(i)}})
	}
	big := kafka.Message{Value: make([]byte, maxRequestBytes/2)}
	msgs = append(msgs, big, big, big)
	parts := splitRequests(msgs)
	var joined []kafka.Message
	for _, p := range parts {
		size := 0
		for _, m := range p {
			size += messageSize(m)
		}
		if len(p) == 0 || len(p) > maxRequestMessages || (len(p) > 1 && size > maxRequestBytes) {
			t.Fatalf("part of %d messages, %d bytes", len(p), size)
		}
		joined = append(joined, p...)
	}
	if len(joined) != len(msgs) {
		t.Fatalf("%d messages after splitting, want %d", len(joined), len(msgs))
	}
	for i := range msgs {
		if len(joined[i].Value) != len(msgs[i].Value) || (len(msgs[i].Value) == 1 && joined[i].Value[0] != msgs[i].Value[0]) {
			t.Fatalf("message %d out of order", i)
		}
	}
	if one := splitRequests(msgs[:1]); len(one) != 1 || len(one[0]) != 1 {
		t.Fatalf("one message: %v", one)
	}
}
