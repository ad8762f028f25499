package metrics

import (
	"slices"
	"testing"
)

// TestNamesListsTheContract: the metric names of the operator contract
// (issue #15) are all registered, including vectors with no series yet.
func TestNamesListsTheContract(t *testing.T) {
	names := Names()
	for _, want := range []string{
		"interestgraph_graphql_requests_total", "interestgraph_graphql_request_duration_seconds",
		"interestgraph_commands_total", "interestgraph_command_decide_duration_seconds",
		"interestgraph_consumer_batch_size", "interestgraph_consumer_lag",
		"interestgraph_subscriptions_active", "interestgraph_subscription_events_dropped_total",
		"interestgraph_kafka_produce_duration_seconds", "interestgraph_neo4j_transaction_duration_seconds",
		"go_goroutines", "process_cpu_seconds_total",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("metric %s is not registered (have %v)", want, names)
		}
	}
}
