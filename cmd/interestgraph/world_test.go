package main

import (
	"sort"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// world is the end state a test expects, built alongside its mutations:
// each edge with the window its creating mutation ran in, which bounds the
// edge's since.
type world struct {
	ids       []string
	interests map[string]map[string]window // person → interest name
	follows   map[string]map[string]window // person → followee
}

type window struct{ from, to time.Time }

func newWorld(ids []string) *world {
	w := &world{ids: ids, interests: map[string]map[string]window{}, follows: map[string]map[string]window{}}
	for _, id := range ids {
		w.interests[id], w.follows[id] = map[string]window{}, map[string]window{}
	}
	return w
}

func (w *world) apply(person, field, arg string, from, to time.Time) {
	win := window{from.Add(-time.Second), to.Add(time.Second)} // clock granularity
	switch field {
	case "addInterest":
		if _, ok := w.interests[person][arg]; !ok {
			w.interests[person][arg] = win
		}
	case "removeInterest":
		delete(w.interests[person], arg)
	case "follow":
		if _, ok := w.follows[person][arg]; !ok {
			w.follows[person][arg] = win
		}
	case "unfollow":
		delete(w.follows[person], arg)
	}
}

// check compares a snapshot of the world's persons with the expectation:
// exactly these interests and follows, each since within its window; these
// balances; one grant and sent[p] transfers recorded as sent by p.
func (w *world) check(t *testing.T, what string, s store.Snapshot, balances map[string]int64, sent map[string]int) {
	t.Helper()
	if len(s.Persons) != len(w.ids) {
		t.Fatalf("%s: %d persons, want %d", what, len(s.Persons), len(w.ids))
	}
	for _, p := range s.Persons {
		checkEdges(t, what+" "+p.Name+" interests", p.Interests, w.interests[p.ID])
		checkEdges(t, what+" "+p.Name+" follows", p.Follows, w.follows[p.ID])
		if p.Balance != balances[p.ID] {
			t.Errorf("%s %s: balance %d, want %d", what, p.Name, p.Balance, balances[p.ID])
		}
		grants, transfers := 0, 0
		for _, r := range p.Ledger {
			switch {
			case r.From == "" && r.To == p.ID:
				grants++
			case r.From == p.ID:
				transfers++
			}
		}
		if grants != 1 || transfers != sent[p.ID] {
			t.Errorf("%s %s: %d grants and %d transfers sent, want 1 and %d: %+v", what, p.Name, grants, transfers, sent[p.ID], p.Ledger)
		}
	}
}

func checkEdges(t *testing.T, what string, got []store.SnapshotEdge, want map[string]window) {
	t.Helper()
	var names []string
	for _, e := range got {
		names = append(names, e.To)
		win, ok := want[e.To]
		if !ok {
			t.Errorf("%s: unexpected %s", what, e.To)
			continue
		}
		if e.Since.Before(win.from) || e.Since.After(win.to) {
			t.Errorf("%s: %s since %v, outside [%v, %v]", what, e.To, e.Since, win.from, win.to)
		}
	}
	if len(got) != len(want) {
		var wantNames []string
		for n := range want {
			wantNames = append(wantNames, n)
		}
		sort.Strings(wantNames)
		t.Errorf("%s: got %v, want %v", what, names, wantNames)
	}
}
