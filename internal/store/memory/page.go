package memory

import (
	"sort"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// member is one person of a list with the time its edge was made.
type member struct {
	id    string
	name  string
	since time.Time
}

// key is the member's order key (store.PersonPage.Keys).
func (m member) key(o store.FollowOrder) string {
	switch {
	case o.ByTime():
		return store.TimeKey(m.since)
	case o == store.ByName:
		return m.name
	}
	return m.id
}

// before orders members by o, ties by id (NEWEST is OLDEST reversed,
// ties included).
func before(o store.FollowOrder, a, b member) bool {
	switch {
	case o == store.ByNewest && !a.since.Equal(b.since):
		return a.since.After(b.since)
	case o == store.ByNewest:
		return a.id > b.id
	case o == store.ByOldest && !a.since.Equal(b.since):
		return a.since.Before(b.since)
	case o == store.ByName && a.name != b.name:
		return a.name < b.name
	}
	return a.id < b.id
}

// page cuts one page of the registered persons among ids (id -> since).
func (s *Store) page(ids map[string]time.Time, pg store.Page) store.PersonPage {
	all := make([]member, 0, len(ids))
	for id, since := range ids {
		if p, ok := s.registered(id); ok {
			all = append(all, member{id: id, name: p.name, since: since})
		}
	}
	sort.Slice(all, func(i, j int) bool { return before(pg.Order, all[i], all[j]) })
	res := store.PersonPage{Persons: []store.Person{}}
	if !pg.SkipTotal {
		res.TotalCount = len(all)
	}
	if pg.Order != store.ByID {
		res.Keys = []string{}
	}
	start := 0
	if pg.After != "" {
		cur, ok := cursorMember(pg)
		if !ok {
			return res
		}
		start = sort.Search(len(all), func(i int) bool { return before(pg.Order, cur, all[i]) })
	}
	for _, m := range all[start:] {
		if len(res.Persons) == pg.First {
			res.HasNext = true
			break
		}
		res.Persons = append(res.Persons, s.view(s.persons[m.id]))
		if pg.Order != store.ByID {
			res.Keys = append(res.Keys, m.key(pg.Order))
		}
	}
	return res
}

// cursorMember is the member a page's cursor points at; an order key that
// does not parse matches nothing, as in Neo4j.
func cursorMember(pg store.Page) (member, bool) {
	m := member{id: pg.After}
	switch {
	case pg.Order.ByTime():
		t, err := store.ParseTimeKey(pg.AfterKey)
		if err != nil {
			return member{}, false
		}
		m.since = t
	case pg.Order == store.ByName:
		m.name = pg.AfterKey
	}
	return m, true
}
