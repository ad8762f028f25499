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
// graph that live processing built, node for node and edge for edge.
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
		topics := []string{"rebuild " + testsupport.Letters(), "rebuild " + testsupport.Letters()}
		for i, p := range people {
			rs.mutate(t, p.Token, "addInterest", "name", topics[i%2])
			rs.mutate(t, p.Token, "addInterest", "name", topics[(i+1)%2])
			rs.mutate(t, p.Token, "follow", "personId", people[(i+1)%4].ID)
			rs.mutate(t, p.Token, "follow", "personId", people[(i+2)%4].ID)
		}
		rs.mutate(t, people[0].Token, "removeInterest", "name", topics[0])
		rs.mutate(t, people[1].Token, "unfollow", "personId", people[2].ID)
		for _, p := range people {
			if r := rs.mutate(t, p.Token, "addInterest", "name", "last "+p.ID[:8]); r.Status != "APPLIED" {
				t.Fatalf("last command: %+v", r)
			}
		}
		ctx := ctxFor(t, 2*time.Minute)
		live, err := rs.store.Snapshot(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(live.Persons) != 4 || len(live.Persons[0].Follows) == 0 {
			t.Fatalf("live graph incomplete: %+v", live)
		}

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
		n, err := replay(ctx, rs.busCfg, target, force)
		if err != nil {
			t.Fatal(err)
		}
		if n < 4+8+8+2+4 {
			t.Fatalf("replayed only %d events", n)
		}
		rebuilt, err := target.Snapshot(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
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
	if _, err := replay(ctxFor(t, time.Minute), rs.busCfg, rs.store, false); err == nil {
		t.Fatal("replay over a non-empty graph was allowed without -force")
	}
}
