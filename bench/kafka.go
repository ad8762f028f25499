package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
)

// Raw Kafka: kafka-go on the same broker, configured as our service's
// writer and consumer are (acks from all replicas, batches flushed after
// 2 ms, Murmur2 keys; MinBytes 1, MaxWait 200 ms), with nothing of ours
// in between.
const rawPartitions = 6 // the service's default KAFKA_PARTITIONS

func rawWriter(brokers []string) *kafka.Writer {
	return &kafka.Writer{Addr: kafka.TCP(brokers...), Balancer: &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll, BatchTimeout: 2 * time.Millisecond, MaxAttempts: 5}
}

func (r *runner) stageKafka(ctx context.Context) error {
	topic := "bench-" + r.tag + ".raw"
	if err := createTopic(ctx, r.srv.Brokers, topic, rawPartitions); err != nil {
		return err
	}
	w := rawWriter(r.srv.Brokers)
	w.Topic = topic
	defer w.Close()
	// Messages the size of a command, keyed by a few thousand actors.
	value := []byte(`{"id":"` + strings.Repeat("0", 36) + `","type":"Follow","actor":"` + strings.Repeat("0", 36) +
		`","at":"2025-01-01T00:00:00.000000000Z","payload":{"personId":"` + strings.Repeat("0", 36) + `"}}` + strings.Repeat(" ", 60))
	msg := func(i int) kafka.Message {
		return kafka.Message{Key: []byte(bulkID("00000000", i%4096)), Value: value}
	}
	var batched, single, consumed []Sample
	conc := maxInt(r.cfg.Concurrency)
	for rep := range r.cfg.Repeats {
		// Ceiling: 4 producers writing 100-message batches.
		const producers, batch = 4, 100
		s := countLoop(ctx, producers, r.cfg.KafkaMessages/batch, func(ctx context.Context, p, seq int) error {
			msgs := make([]kafka.Message, batch)
			for i := range msgs {
				msgs[i] = msg(p*1000 + seq*batch + i)
			}
			return w.WriteMessages(ctx, msgs...)
		})
		s.Ops *= batch // the sample counted calls; report messages
		s.Throughput *= batch
		batched = append(batched, s)
		// Our gateway's pattern: one message per call from as many goroutines
		// as clients, each waiting for its acks.
		single = append(single, closedLoop(ctx, conc, r.cfg.Duration, func(ctx context.Context, w2, seq int) error {
			return w.WriteMessages(ctx, msg(w2*100000+seq))
		}))
		c, err := consume(ctx, r.srv.Brokers, topic, fmt.Sprintf("bench-%s-raw-%d", r.tag, rep), r.cfg.KafkaMessages)
		if err != nil {
			return err
		}
		consumed = append(consumed, c)
		r.logf("  kafka %d: produce %.0f msg/s batched, %.0f msg/s single; consume %.0f msg/s", rep+1,
			s.Throughput, single[rep].Throughput, c.Throughput)
	}
	r.rep.add(summarize("raw", "Kafka produce, batched", "kafka-go", "msgs", 4, batched),
		"4 producers, 100-message WriteMessages calls; latency is per call")
	r.rep.add(summarize("raw", "Kafka produce, one message per call", "kafka-go", "msgs", conc, single),
		"as our gateway sends a command: one message per call, acks=all")
	r.rep.add(summarize("raw", "Kafka consume", "kafka-go", "msgs", 1, consumed),
		"consumer-group Reader, FetchMessage without commits; clock starts at the first message")
	return nil
}

// consume reads n messages of topic with a fresh consumer group.
func consume(ctx context.Context, brokers []string, topic, group string, n int) (Sample, error) {
	rd := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, GroupID: group,
		StartOffset: kafka.FirstOffset, MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond})
	defer rd.Close()
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var start time.Time
	for i := range n {
		if _, err := rd.FetchMessage(cctx); err != nil {
			return Sample{}, fmt.Errorf("consume %s after %d messages: %w", topic, i, err)
		}
		if i == 0 {
			start = time.Now()
		}
	}
	return newSample(nil, n, 0, time.Since(start), nil), nil
}

func createTopic(ctx context.Context, brokers []string, topic string, partitions int) error {
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	res, err := c.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{
		{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}}})
	if err != nil {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	if terr := res.Errors[topic]; terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", topic, terr)
	}
	// A new partition has no leader for a moment: wait until a write goes through.
	w := rawWriter(brokers)
	w.Topic = topic
	defer w.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := w.WriteMessages(ctx, kafka.Message{Value: []byte("warm-up")})
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// deleteTopics deletes every topic whose name starts with prefix (the
// run's own), so that benchmark runs do not pile up on the shared broker.
func deleteTopics(ctx context.Context, brokers []string, prefix string) error {
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 30 * time.Second}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{})
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	var mine []string
	for _, t := range md.Topics {
		if strings.HasPrefix(t.Name, prefix) {
			mine = append(mine, t.Name)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	res, err := c.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: mine})
	if err != nil {
		return fmt.Errorf("delete topics: %w", err)
	}
	var errs []error
	for name, e := range res.Errors {
		if e != nil {
			errs = append(errs, fmt.Errorf("delete topic %s: %w", name, e))
		}
	}
	return errors.Join(errs...)
}

// deleteGroups deletes the run's consumer groups (best effort: a group
// whose member has not left yet stays, and expires with the broker's
// offsets retention).
func deleteGroups(ctx context.Context, brokers []string, prefix string) error {
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 30 * time.Second}
	list, err := c.ListGroups(ctx, &kafka.ListGroupsRequest{})
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}
	var mine []string
	for _, g := range list.Groups {
		if strings.HasPrefix(g.GroupID, prefix) {
			mine = append(mine, g.GroupID)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	res, err := c.DeleteGroups(ctx, &kafka.DeleteGroupsRequest{GroupIDs: mine})
	if err != nil {
		return fmt.Errorf("delete groups: %w", err)
	}
	var errs []error
	for g, e := range res.Errors {
		if e != nil {
			errs = append(errs, fmt.Errorf("delete group %s: %w", g, e))
		}
	}
	return errors.Join(errs...)
}
