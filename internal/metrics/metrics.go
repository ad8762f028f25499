// Package metrics holds every Prometheus collector of the service, in one
// registry, with small hooks the gateway, consumer, hub, bus and Neo4j store
// call. Labels take only values from fixed sets (operation types, command
// types, statuses, topic roles, partitions of our own topics), never ids or
// client-chosen names, so the number of series is bounded.
//
// The collectors are package-level: one process has one /metrics, and the
// parts that run in it (gateway and consumer in serve) share it. This
// package imports nothing of the service, so every layer may call it.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "interestgraph"

// latency buckets from 1 ms to about 10 s: command round trips and Neo4j
// transactions sit in the milliseconds, a broker failover in seconds.
var latency = prometheus.ExponentialBuckets(0.001, 2.5, 11)

var (
	graphqlRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "graphql_requests_total",
		Help: "GraphQL operations answered, by operation type (query, mutation, subscription, unknown) and outcome (ok, error).",
	}, []string{"operation_type", "outcome"})
	graphqlDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "graphql_request_duration_seconds",
		Help:    "Time from the start of an operation to its (first) response; for subscriptions, until the first event.",
		Buckets: latency,
	}, []string{"operation_type"})
	directAnswers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "graphql_direct_answers_total",
		Help: "Queries of compiled reads only (person, me): answered from their read without gqlgen's field execution (result=direct), or executed by gqlgen after all (result=fallback).",
	}, []string{"result"})
	commands = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "commands_total",
		Help: "Commands decided by the consumers, by command type and status (APPLIED, REJECTED, DEAD_LETTERED).",
	}, []string{"type", "status"})
	decideDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace, Name: "command_decide_duration_seconds",
		Help:    "Time to decide and record one command or one batch (its store transaction, retries included).",
		Buckets: latency,
	})
	batchSize = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace, Name: "consumer_batch_size",
		Help:    "Commands a partition worker decided in one batch (one transaction, one publish).",
		Buckets: prometheus.ExponentialBuckets(1, 2, 12),
	})
	consumerLag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace, Name: "consumer_lag",
		Help: "Commands behind the end of each commands partition this process works on.",
	}, []string{"partition"})
	subscriptions = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace, Name: "subscriptions_active",
		Help: "Open subscriptions of this gateway, by kind (person, recipient, firehose).",
	}, []string{"kind"})
	dropped = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: namespace, Name: "subscription_events_dropped_total",
		Help: "Events not delivered because a subscriber fell a full buffer behind (its subscription is ended).",
	})
	produceDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "kafka_produce_duration_seconds",
		Help:    "Time for Kafka to take a batch of messages, by topic role (commands, events, outcomes, deadletters).",
		Buckets: latency,
	}, []string{"topic"})
	neo4jDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "neo4j_transaction_duration_seconds",
		Help:    "Neo4j transaction time, by kind (decide, apply, read).",
		Buckets: latency,
	}, []string{"kind"})
)

// Registry holds the service's collectors and the Go runtime and process
// collectors. It is not prometheus.DefaultRegisterer, so libraries cannot
// add series behind our back.
var Registry = newRegistry()

func newRegistry() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r.MustRegister(ours...)
	return r
}

// ours are the service's own collectors.
var ours = []prometheus.Collector{
	graphqlRequests, graphqlDuration, directAnswers, commands, decideDuration, batchSize, consumerLag,
	subscriptions, dropped, produceDuration, neo4jDuration,
}

// Handler serves the registry in the Prometheus exposition format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry, MaxRequestsInFlight: 4})
}
