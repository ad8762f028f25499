package memory

import (
	"context"
	"sort"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// ReadPerson implements store.PlanReader: the same plan the Neo4j store
// compiles, executed under one read lock.
func (s *Store) ReadPerson(_ context.Context, id string, plan store.PersonPlan) (*store.PersonRead, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.registered(id)
	if !ok {
		return nil, nil
	}
	r := s.readPlan(p, plan)
	return &r, nil
}

// readPlan runs plan for p; the caller holds the read lock.
func (s *Store) readPlan(p *person, plan store.PersonPlan) store.PersonRead {
	r := store.PersonRead{Person: s.view(p)}
	if !plan.Counts {
		r.Person.FollowerCount, r.Person.FollowingCount = 0, 0
	}
	if plan.SkipProfile {
		r.Person = store.Person{ID: r.Person.ID, Name: r.Person.Name, FollowerCount: r.Person.FollowerCount, FollowingCount: r.Person.FollowingCount}
	}
	for _, ip := range plan.Interests {
		r.Interests = append(r.Interests, s.rankedOf(p, ip))
	}
	for _, lp := range plan.Lists {
		var members map[string]time.Time
		if lp.Kind == store.FollowersList {
			members = s.followersOf(p)
		} else {
			members = p.follows
		}
		lr := store.ListRead{Page: s.page(members, lp.Page), Members: []store.PersonRead{}}
		if lp.NoCursors {
			lr.Page.HasNext = false
			for i := range lr.Page.Keys {
				lr.Page.Keys[i] = ""
			}
		}
		for _, m := range lr.Page.Persons {
			sub := s.readPlan(s.persons[m.ID], lp.Member)
			lr.Page.Persons[len(lr.Members)] = sub.Person
			lr.Members = append(lr.Members, sub)
		}
		r.Lists = append(r.Lists, lr)
	}
	return r
}

// rankedOf is p's first interests in the plan's order; the caller holds
// the read lock.
func (s *Store) rankedOf(p *person, ip store.InterestsPlan) []store.Interest {
	list := make([]store.Interest, 0, len(p.interests))
	for n := range p.interests {
		i := store.Interest{Name: n}
		if ip.Counts || ip.Order == store.InterestsByPopularity {
			i.PersonCount = s.holders(n)
		}
		list = append(list, i)
	}
	sort.Slice(list, func(a, b int) bool {
		if ip.Order == store.InterestsByPopularity && list[a].PersonCount != list[b].PersonCount {
			return list[a].PersonCount > list[b].PersonCount
		}
		return list[a].Name < list[b].Name
	})
	return list[:min(ip.First, len(list))]
}
