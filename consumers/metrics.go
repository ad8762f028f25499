package consumers

import "github.com/interestgraph/interestgraph/internal/metrics"

// countOutcome counts a command once its answer is on Kafka (err == nil):
// a pass that ran out of time is tried again and counted then.
func countOutcome(err error, typ, status string) {
	if err == nil {
		metrics.CommandDecided(typ, status)
	}
}

// batch counts the commands a partition worker handles back to back; the
// run ends when the worker has caught up with the partition's end.
type batch struct{ n int }

// done records one handled command and the reader's lag after it (the
// lag of the last message fetched; kafka-go keeps it without a round trip).
func (b *batch) done(partition int, lag int64) {
	b.n++
	metrics.ConsumerLag(partition, lag)
	if lag <= 0 {
		metrics.ConsumerBatch(b.n)
		b.n = 0
	}
}
