package main

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestSmoke runs the whole harness at the smoke scale (seconds) against the
// dev stack, through the same code path as `make bench`, and fails if a
// stage errors or measures nothing. It asserts no speed. Like the other
// integration tests it fails without the servers, unless the run opted out
// with INTERESTGRAPH_SKIP_INTEGRATION=1. The peer is installed with
// `npm ci` when bench/peer/node_modules is missing (about ten seconds).
func TestSmoke(t *testing.T) {
	for _, v := range []string{"KAFKA_BROKERS", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"} {
		if os.Getenv(v) != "" {
			continue
		}
		if os.Getenv("INTERESTGRAPH_SKIP_INTEGRATION") == "1" {
			t.Skipf("benchmark smoke test skipped: INTERESTGRAPH_SKIP_INTEGRATION=1 and %s unset", v)
		}
		t.Fatalf("the benchmark smoke test needs %s: run it through `make test`, or after "+
			"`scripts/devstack up && eval \"$(scripts/devstack env)\"`; INTERESTGRAPH_SKIP_INTEGRATION=1 opts out", v)
	}
	out := t.TempDir()
	cfg, err := parseConfig([]string{"-scale=smoke", "-out=" + out})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rep, err := run(ctx, cfg, t.Logf)
	if err != nil {
		t.Fatalf("benchmark run failed: %v", err)
	}

	measured := func(stage, name, who string) {
		t.Helper()
		for _, r := range rep.Results {
			if r.Stage == stage && r.Name == name && r.Contestant == who {
				if r.Throughput.Median <= 0 {
					t.Errorf("%s / %s / %s: no throughput measured: %+v", stage, name, who, r.Runs)
				}
				return
			}
		}
		t.Errorf("%s / %s / %s: no result", stage, name, who)
	}
	for _, name := range []string{"Kafka produce, batched", "Kafka produce, one message per call", "Kafka consume"} {
		measured("raw", name, "kafka-go")
	}
	for _, name := range []string{"Neo4j MERGE persons", "Neo4j MERGE interest edges", "Neo4j MERGE follow edges"} {
		measured("raw", name, "neo4j-go-driver")
	}
	for _, name := range []string{"create person", "follow/addInterest", "async: until ACCEPTED", "async: until all APPLIED", "consumer drains a backlog",
		"rebuild: replay the events topic"} {
		measured("writes", name, "ours")
	}
	for _, name := range []string{"create person", "follow/addInterest"} {
		measured("writes", name, "peer")
	}
	want := 0 // round-trip counts: one per query and contestant
	for _, q := range readQueries {
		who := []string{"ours", "peer", "cypher"}
		if q.peer == "" {
			who = []string{"ours", "cypher"}
		}
		for _, w := range who {
			measured("reads", q.name, w)
		}
		want += len(who)
	}
	if len(rep.RoundTrips) != want {
		t.Errorf("round trips: %d counts, want %d", len(rep.RoundTrips), want)
	}
	for _, rt := range rep.RoundTrips {
		if rt.Statements < 1 {
			t.Errorf("round trips: %s / %s sent %v statements per request", rt.Query, rt.Contestant, rt.Statements)
		}
	}
	if len(rep.Subs) != len(cfg.Subscribers) {
		t.Errorf("subscriptions: %d levels measured, want %d", len(rep.Subs), len(cfg.Subscribers))
	}
	for _, s := range rep.Subs {
		if s.Delivered == 0 {
			t.Errorf("subscriptions: %d subscribers received nothing", s.Subscribers)
		}
	}

	files, err := rep.write(out, "")
	if err != nil {
		t.Fatalf("writing the results: %v", err)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("result file %s missing or empty", f)
		}
	}
}
