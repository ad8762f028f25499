package memory

import (
	"context"
	"sort"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

func (s *Store) view(p *person) store.Person {
	following := 0
	for id := range p.follows {
		if q := s.persons[id]; q != nil && q.registered {
			following++
		}
	}
	followers := 0
	for id := range p.followers {
		if q := s.persons[id]; q != nil && q.registered {
			followers++
		}
	}
	return store.Person{ID: p.id, Name: p.name, Email: p.email, RegisteredAt: p.registeredAt, FollowerCount: followers, FollowingCount: following, Balance: p.balance, Bio: p.bio}
}

func (s *Store) registered(id string) (*person, bool) {
	p, ok := s.persons[id]
	return p, ok && p.registered
}

// PersonsByIDs implements store.Reader.
func (s *Store) PersonsByIDs(_ context.Context, ids []string) (map[string]store.Person, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]store.Person, len(ids))
	for _, id := range ids {
		if p, ok := s.registered(id); ok {
			out[id] = s.view(p)
		}
	}
	return out, nil
}

// InterestsOf implements store.Reader.
func (s *Store) InterestsOf(_ context.Context, ids []string) (map[string][]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string][]string, len(ids))
	for _, id := range ids {
		names := []string{}
		if p, ok := s.registered(id); ok {
			for n := range p.interests {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		out[id] = names
	}
	return out, nil
}

// followersOf maps the persons following p to when they did.
func (s *Store) followersOf(p *person) map[string]time.Time {
	out := make(map[string]time.Time, len(p.followers))
	for id := range p.followers {
		if q := s.persons[id]; q != nil {
			out[id] = q.follows[p.id]
		}
	}
	return out
}

// interestMembers maps the persons holding interest n to when they took it.
func (s *Store) interestMembers(n string) map[string]time.Time {
	out := make(map[string]time.Time, len(s.interests[n]))
	for id := range s.interests[n] {
		if q := s.persons[id]; q != nil {
			out[id] = q.interests[n]
		}
	}
	return out
}

// Followers implements store.Reader.
func (s *Store) Followers(_ context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.pages(ids, pg, s.followersOf), nil
}

// Following implements store.Reader.
func (s *Store) Following(_ context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.pages(ids, pg, func(p *person) map[string]time.Time { return p.follows }), nil
}

// pages pages the set of person ids members(p) for each registered p.
func (s *Store) pages(ids []string, pg store.Page, members func(*person) map[string]time.Time) map[string]store.PersonPage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]store.PersonPage, len(ids))
	for _, id := range ids {
		var set map[string]time.Time
		if p, ok := s.registered(id); ok {
			set = members(p)
		}
		out[id] = s.page(set, pg)
	}
	return out
}

// InterestsByNames implements store.Reader.
func (s *Store) InterestsByNames(_ context.Context, names []string) (map[string]store.Interest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]store.Interest, len(names))
	for _, n := range names {
		members, ok := s.interests[n]
		if !ok {
			continue
		}
		count := 0
		for id := range members {
			if _, ok := s.registered(id); ok {
				count++
			}
		}
		out[n] = store.Interest{Name: n, PersonCount: count}
	}
	return out, nil
}

// InterestPersons implements store.Reader.
func (s *Store) InterestPersons(_ context.Context, names []string, pg store.Page) (map[string]store.PersonPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]store.PersonPage, len(names))
	for _, n := range names {
		out[n] = s.page(s.interestMembers(n), pg)
	}
	return out, nil
}

// Snapshot implements store.Snapshotter.
func (s *Store) Snapshot(_ context.Context, ids []string) (store.Snapshot, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	var snap store.Snapshot
	for _, id := range sorted {
		p, ok := s.persons[id]
		if !ok {
			continue
		}
		sp := store.SnapshotPerson{ID: p.id, Name: p.name, Email: p.email, RegisteredAt: p.registeredAt.UTC()}
		sp.Interests = edges(p.interests)
		sp.Follows = edges(p.follows)
		sp.Balance = p.balance
		sp.Ledger = []store.Transfer{}
		for _, id := range p.ledger {
			if t := s.records[id]; t.From == p.id || t.From == "" {
				sp.Ledger = append(sp.Ledger, t)
			}
		}
		sort.Slice(sp.Ledger, func(i, j int) bool { return sp.Ledger[i].ID < sp.Ledger[j].ID })
		snap.Persons = append(snap.Persons, sp)
	}
	return snap, nil
}

func edges(m map[string]time.Time) []store.SnapshotEdge {
	out := make([]store.SnapshotEdge, 0, len(m))
	for to, since := range m {
		out = append(out, store.SnapshotEdge{To: to, Since: since.UTC()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].To < out[j].To })
	return out
}

// Empty implements store.Snapshotter.
func (s *Store) Empty(context.Context) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.persons) == 0, nil
}

// Transfers implements store.Reader.
func (s *Store) Transfers(_ context.Context, id string, pg store.Page) (store.TransferPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	res := store.TransferPage{Transfers: []store.Transfer{}}
	p, ok := s.registered(id)
	if !ok {
		return res, nil
	}
	ids := append([]string(nil), p.ledger...)
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	res.TotalCount = len(ids)
	for _, tid := range ids {
		if pg.After != "" && tid >= pg.After {
			continue
		}
		if len(res.Transfers) == pg.First {
			res.HasNext = true
			break
		}
		res.Transfers = append(res.Transfers, s.records[tid])
	}
	return res, nil
}

// Ledger implements store.Reader.
func (s *Store) Ledger(context.Context) (store.Ledger, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var l store.Ledger
	for _, p := range s.persons {
		l.BalanceSum += p.balance
		if p.registered {
			l.Accounts++
		}
	}
	for _, t := range s.records {
		switch t.Kind {
		case domain.GrantKind:
			l.TotalSupply += t.Amount
		case domain.BurnKind:
			l.TotalSupply -= t.Amount // coins of a deleted account
		default:
			l.Transfers++
		}
	}
	return l, nil
}
