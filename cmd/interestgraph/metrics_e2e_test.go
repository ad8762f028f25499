package main

import (
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsAfterMutations: after a few mutations, a notification and a
// refused request, the gateway's /metrics shows every metric of the
// operator contract with values that say so. Counters are shared by the
// tests of this process, so values are checked as lower bounds.
func TestMetricsAfterMutations(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
		annWS := rs.ws(t, ann.Token)
		annWS.subscribe("n", `subscription { notifications { kind } }`, nil)
		rs.waitSubscriptions(t, 1)
		if r := rs.mutate(t, bob.Token, "follow", "personId", ann.ID); r.Status != "APPLIED" {
			t.Fatalf("follow: %+v", r)
		}
		var n struct{ Notifications struct{ Kind string } }
		annWS.next("n", &n)
		var me struct{ Me struct{ Name string } }
		rs.must(t, ann.Token, `{ me { name } }`, nil, &me)
		if bad := rs.do(t, "", `{ nope(`, nil); len(bad.Errors) == 0 {
			t.Fatal("an unparsable query was answered without an error")
		}

		m := scrape(t, rs.url+"/metrics")
		atLeast := func(name string, labels map[string]string, min float64) {
			t.Helper()
			if v, ok := m.value(name, labels); !ok || v < min {
				t.Errorf("%s%v = %v (present %v), want >= %v", name, labels, v, ok, min)
			}
		}
		atLeast("interestgraph_graphql_requests_total", map[string]string{"operation_type": "mutation", "outcome": "ok"}, 3)
		atLeast("interestgraph_graphql_requests_total", map[string]string{"operation_type": "subscription", "outcome": "ok"}, 1)
		atLeast("interestgraph_graphql_requests_total", map[string]string{"operation_type": "query", "outcome": "ok"}, 1)
		atLeast("interestgraph_graphql_requests_total", map[string]string{"operation_type": "unknown", "outcome": "error"}, 1)
		atLeast("interestgraph_graphql_request_duration_seconds", map[string]string{"operation_type": "mutation"}, 3)
		atLeast("interestgraph_commands_total", map[string]string{"type": "Follow", "status": "APPLIED"}, 1)
		atLeast("interestgraph_commands_total", map[string]string{"type": "RegisterPerson", "status": "APPLIED"}, 2)
		atLeast("interestgraph_command_decide_duration_seconds", nil, 3)
		atLeast("interestgraph_consumer_batch_size", nil, 1)
		atLeast("interestgraph_consumer_lag", nil, 0)
		atLeast("interestgraph_subscriptions_active", map[string]string{"kind": "recipient"}, 1)
		atLeast("interestgraph_subscription_events_dropped_total", nil, 0)
		for _, topic := range []string{"commands", "events", "outcomes"} {
			atLeast("interestgraph_kafka_produce_duration_seconds", map[string]string{"topic": topic}, 1)
		}
		if st == realStack {
			atLeast("interestgraph_neo4j_transaction_duration_seconds", map[string]string{"kind": "decide"}, 3)
			atLeast("interestgraph_neo4j_transaction_duration_seconds", map[string]string{"kind": "read"}, 1)
		}
		atLeast("go_goroutines", nil, 1)
		atLeast("process_cpu_seconds_total", nil, 0)
	})
}

// families are scraped metric families by name.
type families map[string]*dto.MetricFamily

func scrape(t *testing.T, url string) families {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value is the largest value among the series of name whose labels
// include labels: a counter's or gauge's value, a histogram's count.
func (f families) value(name string, labels map[string]string) (float64, bool) {
	fam, ok := f[name]
	if !ok {
		return 0, false
	}
	best, found := 0.0, false
series:
	for _, s := range fam.GetMetric() {
		for k, v := range labels {
			if !hasLabel(s, k, v) {
				continue series
			}
		}
		var v float64
		switch {
		case s.Counter != nil:
			v = s.GetCounter().GetValue()
		case s.Gauge != nil:
			v = s.GetGauge().GetValue()
		case s.Histogram != nil:
			v = float64(s.GetHistogram().GetSampleCount())
		default:
			v = s.GetUntyped().GetValue()
		}
		if !found || v > best {
			best, found = v, true
		}
	}
	return best, found
}

func hasLabel(s *dto.Metric, k, v string) bool {
	for _, l := range s.GetLabel() {
		if l.GetName() == k {
			return l.GetValue() == v
		}
	}
	return false
}
