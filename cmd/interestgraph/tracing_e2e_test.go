package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

var (
	recorderOnce sync.Once
	recorder     *tracetest.SpanRecorder
)

// spanRecorder installs, once per test process, an SDK provider that
// records only traces a test started itself (a sampled traceparent):
// parallel tests' root spans are not sampled, so nothing else piles up.
func spanRecorder() *tracetest.SpanRecorder {
	recorderOnce.Do(func() {
		recorder = tracetest.NewSpanRecorder()
		otel.SetTracerProvider(sdktrace.NewTracerProvider(
			sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.NeverSample())),
			sdktrace.WithSpanProcessor(recorder)))
	})
	return recorder
}

// TestOneMutationOneTrace: a mutation sent with a traceparent produces one
// trace across the gateway's operation, the command on Kafka, the
// consumer's processing and decision, the events on Kafka and the
// subscription's delivery, each span the child of the one that caused it.
// On the real stack the decision's Neo4j transaction is in the trace too.
func TestOneMutationOneTrace(t *testing.T) {
	traceIDs := map[stack]string{embeddedStack: "4bf92f3577b34da6a3ce929d0e0e4736", realStack: "5cf92f3577b34da6a3ce929d0e0e4737"}
	forStacks(t, func(t *testing.T, st stack) { oneMutationOneTrace(t, st, traceIDs[st]) })
}

func oneMutationOneTrace(t *testing.T, st stack, traceID string) {
	rec := spanRecorder()
	rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
	ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
	annWS := rs.ws(t, ann.Token)
	annWS.subscribe("n", `subscription { notifications { kind } }`, nil)
	rs.waitSubscriptions(t, 1)

	resp := rs.doWith(t, `mutation($id: ID!) { follow(personId: $id) { status } }`, map[string]any{"id": ann.ID}, func(h http.Header) {
		h.Set("Authorization", "Bearer "+bob.Token)
		h.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	})
	if len(resp.Errors) > 0 {
		t.Fatalf("follow: %+v", resp.Errors)
	}
	var n struct{ Notifications struct{ Kind string } }
	annWS.next("n", &n)

	topics := rs.busCfg.Topics
	chain := []string{"mutation", "send " + topics.Commands, "process " + topics.Commands, "decide Follow", "send " + topics.Events, "subscription deliver"}
	if st == realStack {
		chain = append(chain, "decide neo4j")
	}
	var spans map[string]sdktrace.ReadOnlySpan
	eventually(t, 10*time.Second, "the spans of the trace", func() bool {
		spans = spansOf(rec, traceID)
		for _, name := range chain {
			if spans[name] == nil {
				return false
			}
		}
		return true
	})
	// Each span's parent: the decision and the events' send both belong to
	// the processing of the command.
	parents := map[string]string{
		chain[1]: chain[0], chain[2]: chain[1], chain[3]: chain[2], chain[4]: chain[2], chain[5]: chain[4],
	}
	if st == realStack {
		parents["decide neo4j"] = "decide Follow"
		if got := attrs(spans["decide neo4j"])["db.system.name"]; got != "neo4j" {
			t.Errorf("Neo4j span: db.system.name = %q", got)
		}
	}
	for child, parent := range parents {
		if spans[child].Parent().SpanID() != spans[parent].SpanContext().SpanID() {
			t.Errorf("span %q is not the child of %q", child, parent)
		}
	}
	if got := spans["mutation"].Parent().SpanID().String(); got != "00f067aa0ba902b7" {
		t.Errorf("the operation span's parent is %s, not the request's traceparent", got)
	}
	process := attrs(spans["process "+topics.Commands])
	for k, want := range map[string]string{"messaging.system": "kafka", "messaging.destination.name": topics.Commands,
		"messaging.consumer.group.name": rs.cfg.ConsumerGroup, "messaging.operation.type": "process"} {
		if process[k] != want {
			t.Errorf("process span: %s = %q, want %q", k, process[k], want)
		}
	}
	if _, ok := process["messaging.destination.partition.id"]; !ok {
		t.Error("process span has no messaging.destination.partition.id")
	}
	if got := attrs(spans["mutation"])["graphql.operation.type"]; got != "mutation" {
		t.Errorf("operation span: graphql.operation.type = %q", got)
	}
}

// spansOf returns the recorded spans of one trace by name (the first of a
// name; the chain's names are unique within the trace).
func spansOf(rec *tracetest.SpanRecorder, traceID string) map[string]sdktrace.ReadOnlySpan {
	id, _ := trace.TraceIDFromHex(traceID)
	out := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID() == id && out[s.Name()] == nil {
			out[s.Name()] = s
		}
	}
	return out
}

func attrs(s sdktrace.ReadOnlySpan) map[string]string {
	out := map[string]string{}
	for _, kv := range s.Attributes() {
		out[string(kv.Key)] = strings.Trim(kv.Value.Emit(), `"`)
	}
	return out
}
