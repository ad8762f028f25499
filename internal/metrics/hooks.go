package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Values of the bounded labels. Callers pass one of these or a value of a
// closed set of their own (command types decoded and validated, statuses).
const (
	OpQuery        = "query"
	OpMutation     = "mutation"
	OpSubscription = "subscription"
	OpUnknown      = "unknown" // refused before it was an operation (parse or validation error)

	OutcomeOK    = "ok"
	OutcomeError = "error"

	StatusDeadLettered = "DEAD_LETTERED"

	TxDecide = "decide" // a command's decision and record
	// TxDecideBatch: the decisions and records of a batch of commands.
	TxDecideBatch = "decide_batch"
	TxApply       = "apply" // events replayed by rebuild
	TxRead        = "read"  // queries of the read side
)

// RequestSeries are the request counter and latency histogram of one
// operation type and outcome, resolved once so that recording a request
// looks up no labels.
type RequestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// NewRequestSeries resolves the series of opType and outcome.
func NewRequestSeries(opType, outcome string) RequestSeries {
	return RequestSeries{graphqlRequests.WithLabelValues(opType, outcome), graphqlDuration.WithLabelValues(opType)}
}

// Observe records one answered operation that took d.
func (s RequestSeries) Observe(d time.Duration) {
	s.count.Inc()
	s.duration.Observe(d.Seconds())
}

// Pre-resolved series of directAnswers.
var (
	directAnswered = directAnswers.WithLabelValues("direct")
	directFellBack = directAnswers.WithLabelValues("fallback")
)

// DirectAnswer records a query of compiled reads only: answered directly
// from its read, or executed by gqlgen after all.
func DirectAnswer(direct bool) {
	if direct {
		directAnswered.Inc()
	} else {
		directFellBack.Inc()
	}
}

// CommandDecided records the outcome of one command. typ is a validated
// command type ("unknown" for a message that did not decode).
func CommandDecided(typ, status string) { commands.WithLabelValues(typ, status).Inc() }

// DecideDuration records the time one command's decision took.
func DecideDuration(d time.Duration) { decideDuration.Observe(d.Seconds()) }

// ConsumerBatch records a batch of n commands decided together.
func ConsumerBatch(n int) { batchSize.Observe(float64(n)) }

// ConsumerLag sets how far the worker of partition is behind its end.
// Partitions are those of our own commands topic (at most
// KAFKA_PARTITIONS), so the label is bounded.
func ConsumerLag(partition int, lag int64) {
	consumerLag.WithLabelValues(strconv.Itoa(partition)).Set(float64(lag))
}

// ConsumerLagGone removes the lag of a partition this process no longer
// works on (the group gave it to another member).
func ConsumerLagGone(partition int) { consumerLag.DeleteLabelValues(strconv.Itoa(partition)) }

// SubscriptionOpened and SubscriptionClosed track open subscriptions of a
// kind (a fixed set named by the hub).
func SubscriptionOpened(kind string) { subscriptions.WithLabelValues(kind).Inc() }

// SubscriptionClosed: see SubscriptionOpened.
func SubscriptionClosed(kind string) { subscriptions.WithLabelValues(kind).Dec() }

// EventDropped counts an event a slow subscriber did not get.
func EventDropped() { dropped.Inc() }

// Produced records the time Kafka took to accept a batch for the topic of
// a role (commands, events, outcomes, deadletters, raw).
func Produced(topic string, d time.Duration) {
	produceDuration.WithLabelValues(topic).Observe(d.Seconds())
}

// Neo4jTransaction records one transaction of a kind (TxDecide, ...).
func Neo4jTransaction(kind string, d time.Duration) {
	neo4jDuration.WithLabelValues(kind).Observe(d.Seconds())
}
