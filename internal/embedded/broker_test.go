package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/embedded"
)

// TestKafkaGoGroupOnEmbeddedBroker checks that kafka-go's consumer groups,
// topic creation and offset listing work against the embedded broker, as
// the embedded default depends on all three.
func TestKafkaGoGroupOnEmbeddedBroker(t *testing.T) {
	b, err := embedded.StartBroker(0)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := bus.Config{Brokers: b.Addrs(), Topics: bus.DefaultTopics(""), Partitions: 3, ReplicationFactor: 1}
	if err := bus.EnsureTopics(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureTopics(ctx, cfg); err != nil {
		t.Fatalf("second EnsureTopics: %v", err)
	}
	bs, err := bus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	cmd, _ := domain.NewCommand(domain.CmdFollow, domain.NewID(), domain.FollowPayload{PersonID: domain.NewID()}, time.Now())
	if err := bs.SendCommand(ctx, cmd); err != nil {
		t.Fatal(err)
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: b.Addrs(), Topic: cfg.Topics.Commands, GroupID: "g", StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	m, err := r.FetchMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := domain.DecodeCommand(m.Value)
	if err != nil || got.ID != cmd.ID {
		t.Fatalf("got %+v %v", got, err)
	}
	if err := r.CommitMessages(ctx, m); err != nil {
		t.Fatal(err)
	}
}
