package storetest

import (
	"slices"
	"sort"
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// pagingTests page person lists in every order, with and without totals.
var pagingTests = map[string]func(*testing.T, store.GraphStore){
	"OrderedPages":    testOrderedPages,
	"RankedInterests": testRankedInterests,
	"PlannedRead":     testPlannedRead,
	"TimePages":       testTimePages,
}

// testRankedInterests: a person's interests by popularity (with counts)
// and by name, cut at first; an unknown person has none.
func testRankedInterests(t *testing.T, s store.GraphStore) {
	me, other, third := register(t, s, "Me"), register(t, s, "Other"), register(t, s, "Third")
	topic := "ranked " + testsupport.Letters() + " "
	for _, n := range []string{"a", "b", "c"} {
		exec(t, s, domain.CmdAddInterest, me, domain.InterestPayload{Interest: topic + n})
	}
	for _, p := range []string{other, third} {
		exec(t, s, domain.CmdAddInterest, p, domain.InterestPayload{Interest: topic + "b"})
	}
	exec(t, s, domain.CmdAddInterest, other, domain.InterestPayload{Interest: topic + "c"})
	for _, c := range []struct {
		order store.InterestOrder
		first int
		want  []store.Interest
	}{
		{store.InterestsByPopularity, 10, []store.Interest{{Name: topic + "b", PersonCount: 3}, {Name: topic + "c", PersonCount: 2}, {Name: topic + "a", PersonCount: 1}}},
		{store.InterestsByPopularity, 1, []store.Interest{{Name: topic + "b", PersonCount: 3}}},
		{store.InterestsByName, 2, []store.Interest{{Name: topic + "a"}, {Name: topic + "b"}}},
	} {
		unknown := domain.NewID()
		got, err := s.RankedInterestsOf(ctx(t), []string{me, unknown}, c.order, c.first)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got[me], c.want) || len(got[unknown]) != 0 {
			t.Errorf("%s, first %d: %+v, unknown person %+v; want %+v", c.order, c.first, got[me], got[unknown], c.want)
		}
	}
}

// testOrderedPages makes seven persons who follow a hub, whom the hub
// follows and who declare one interest, each in the same sequence, with
// names in neither that sequence nor id order; then it walks every list
// three at a time in every order and compares with the order expected.
func testOrderedPages(t *testing.T, s store.GraphStore) {
	hub, topic := register(t, s, "Hub"), "paging "+testsupport.Letters()
	names := []string{"Eve", "Bob", "Gus", "Ann", "Dan", "Cal", "Fay"}
	var seq []string // in the order every edge was made
	byID := map[string]string{}
	for _, n := range names {
		id := register(t, s, n)
		seq, byID[id] = append(seq, id), n
	}
	for _, id := range seq {
		exec(t, s, domain.CmdFollow, id, domain.FollowPayload{PersonID: hub})
	}
	for _, id := range seq {
		exec(t, s, domain.CmdFollow, hub, domain.FollowPayload{PersonID: id})
	}
	for _, id := range seq {
		exec(t, s, domain.CmdAddInterest, id, domain.InterestPayload{Interest: topic})
	}
	want := map[store.FollowOrder][]string{store.ByOldest: seq, store.ByNewest: reversed(seq), store.ByID: sortedBy(seq, nil)}
	want[store.ByName] = sortedBy(seq, func(a, b string) bool { return byID[a] < byID[b] })
	lists := map[string]func(store.Page) (map[string]store.PersonPage, error){
		"followers": func(p store.Page) (map[string]store.PersonPage, error) { return s.Followers(ctx(t), []string{hub}, p) },
		"following": func(p store.Page) (map[string]store.PersonPage, error) { return s.Following(ctx(t), []string{hub}, p) },
		"interest persons": func(p store.Page) (map[string]store.PersonPage, error) {
			m, err := s.InterestPersons(ctx(t), []string{topic}, p)
			return map[string]store.PersonPage{hub: m[topic]}, err
		},
	}
	for name, list := range lists {
		for order, ids := range want {
			for _, skip := range []bool{false, true} {
				if got := walk(t, hub, list, store.Page{First: 3, Order: order, SkipTotal: skip}); !slices.Equal(got, ids) {
					t.Errorf("%s by %q (skip total %v): got %v, want %v", name, order, skip, got, ids)
				}
			}
		}
	}
}

// walk pages through a list of seven and checks each page's bookkeeping.
func walk(t *testing.T, key string, list func(store.Page) (map[string]store.PersonPage, error), pg store.Page) []string {
	t.Helper()
	var seen []string
	for range 4 {
		pages, err := list(pg)
		if err != nil {
			t.Fatal(err)
		}
		p := pages[key]
		if wantTotal := map[bool]int{false: 7, true: 0}[pg.SkipTotal]; p.TotalCount != wantTotal {
			t.Errorf("order %q: total %d, want %d", pg.Order, p.TotalCount, wantTotal)
		}
		if pg.Order != store.ByID && len(p.Keys) != len(p.Persons) {
			t.Fatalf("order %q: %d keys for %d persons", pg.Order, len(p.Keys), len(p.Persons))
		}
		for i, x := range p.Persons {
			seen, pg.After = append(seen, x.ID), x.ID
			if pg.Order != store.ByID {
				pg.AfterKey = p.Keys[i]
			}
		}
		if !p.HasNext {
			return seen
		}
	}
	t.Errorf("order %q: more than four pages of three for seven persons: %v", pg.Order, seen)
	return seen
}

func reversed(ids []string) []string {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}

// sortedBy sorts by less, then id (by id alone when less is nil).
func sortedBy(ids []string, less func(a, b string) bool) []string {
	out := slices.Clone(ids)
	sort.Slice(out, func(i, j int) bool {
		if less != nil && less(out[i], out[j]) != less(out[j], out[i]) {
			return less(out[i], out[j])
		}
		return out[i] < out[j]
	})
	return out
}
