package main

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// lastEventPosition returns where the last event of subject is in the
// event store (events are keyed by subject).
func lastEventPosition(t *testing.T, rs *running, subject string) (partition int, offset int64) {
	t.Helper()
	partition, offset = -1, -1
	for _, m := range drain(t, rs, rs.busCfg.Topics.Events) {
		if string(m.Key) == subject && m.Offset >= offset {
			partition, offset = m.Partition, m.Offset
		}
	}
	if partition < 0 {
		t.Fatalf("no event of %s in the event store", subject)
	}
	return partition, offset
}

// deleteEventsBefore makes the event store forget a partition's events
// before offset, as retention would (Kafka's DeleteRecords).
func deleteEventsBefore(t *testing.T, rs *running, partition int, offset int64) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(rs.busCfg.Brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrDeleteRecordsRequest()
	req.TimeoutMillis = 10_000
	topic := kmsg.NewDeleteRecordsRequestTopic()
	topic.Topic = rs.busCfg.Topics.Events
	p := kmsg.NewDeleteRecordsRequestTopicPartition()
	p.Partition, p.Offset = int32(partition), offset
	topic.Partitions = append(topic.Partitions, p)
	req.Topics = append(req.Topics, topic)
	resp, err := req.RequestWith(ctxFor(t, 30*time.Second), cl)
	if err != nil {
		t.Fatalf("delete records: %v", err)
	}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if rp.ErrorCode != 0 || rp.LowWatermark != offset {
				t.Fatalf("delete records of %s/%d: error %d, low watermark %d", rt.Topic, rp.Partition, rp.ErrorCode, rp.LowWatermark)
			}
		}
	}
}
