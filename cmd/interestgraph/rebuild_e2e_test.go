package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestRebuildYieldsTheSameGraph: replaying the events topic reproduces the
// graph that live processing built, node for node and edge for edge,
// balances and ledger included; both are checked against an end state
// stated here, not only against each other.
func TestRebuildYieldsTheSameGraph(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		var people []registered
		var ids []string
		for _, n := range []string{"Ann", "Bob", "Carl", "Dora"} {
			p := rs.register(t, n)
			people = append(people, p)
			ids = append(ids, p.ID)
		}
		w := newWorld(ids)
		apply := func(p int, field, arg string) {
			t.Helper()
			before := time.Now()
			argName := "name"
			if field == "follow" || field == "unfollow" {
				argName = "personId"
			}
			if r := rs.mutate(t, people[p].Token, field, argName, arg); r.Status != "APPLIED" {
				t.Fatalf("%s: %+v", field, r)
			}
			w.apply(ids[p], field, arg, before, time.Now())
		}
		topics := []string{"rebuild " + testsupport.Letters(), "rebuild " + testsupport.Letters()}
		for i := range people {
			apply(i, "addInterest", topics[i%2])
			apply(i, "addInterest", topics[(i+1)%2])
			apply(i, "follow", ids[(i+1)%4])
			apply(i, "follow", ids[(i+2)%4])
		}
		apply(0, "removeInterest", topics[0])
		apply(1, "unfollow", ids[2])
		// Transfers are not idempotent in effect: a replay that applied one
		// twice, or skipped it, shows in the balances.
		for _, tr := range []struct {
			from, to int
			amount   int
		}{{0, 1, 30}, {1, 2, 50}, {2, 0, 10}, {3, 0, 100}} {
			if r := rs.transfer(t, people[tr.from].Token, ids[tr.to], tr.amount); r.Status != "APPLIED" {
				t.Fatalf("transfer: %+v", r)
			}
		}
		if r := rs.transfer(t, people[3].Token, ids[1], 1); r.Status != "REJECTED" {
			t.Fatalf("overdraft: %+v", r)
		}
		wantBalances := map[string]int64{ids[0]: 180, ids[1]: 80, ids[2]: 140, ids[3]: 0}
		wantSent := map[string]int{ids[0]: 1, ids[1]: 1, ids[2]: 1, ids[3]: 1}
		for i := range people {
			apply(i, "addInterest", "last "+ids[i][:8])
		}
		ctx := ctxFor(t, 2*time.Minute)
		live, err := rs.store.Snapshot(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		w.check(t, "live", live, wantBalances, wantSent)

		var target interface {
			store.Projector
			store.Snapshotter
		}
		force := false
		if st == embeddedStack {
			target = memory.New()
		} else {
			// Neo4j Community has one user database, shared with other
			// tests: remove exactly this test's data, then replay this
			// test's own events topic over the rest.
			var names []string
			names = append(names, topics...)
			for _, p := range people {
				names = append(names, "last "+p.ID[:8])
			}
			testsupport.ForgetPersons(t, ids, names)
			if gone, _ := rs.store.Snapshot(ctx, ids); len(gone.Persons) != 0 {
				t.Fatalf("test data not removed: %+v", gone)
			}
			target, force = rs.store, true
		}
		n, err := replay(ctx, rs.busCfg, target, rs.store, force)
		if err != nil {
			t.Fatal(err)
		}
		if n < 4+4+8+8+2+4+4 {
			t.Fatalf("replayed only %d events", n)
		}
		rebuilt, err := target.Snapshot(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		w.check(t, "rebuilt", rebuilt, wantBalances, wantSent)
		if !reflect.DeepEqual(live, rebuilt) {
			t.Fatalf("rebuilt graph differs:\nlive    %+v\nrebuilt %+v", live, rebuilt)
		}
	})
}

// TestRebuildRefusesANonEmptyGraph protects a live graph from a replay
// that was meant for an empty one.
func TestRebuildRefusesANonEmptyGraph(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	rs.register(t, "Ann")
	if _, err := replay(ctxFor(t, time.Minute), rs.busCfg, rs.store, rs.store, false); err == nil {
		t.Fatal("replay over a non-empty graph was allowed without -force")
	}
}
