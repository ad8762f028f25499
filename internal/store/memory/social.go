package memory

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// social is the part of a person that the social-graph features add.
type social struct {
	bio       string
	blocks    map[string]time.Time // persons this person blocks, since
	mutes     map[string]struct{}
	dismissed map[string]struct{} // recommendations dismissed
}

func newSocial() social {
	return social{blocks: map[string]time.Time{}, mutes: map[string]struct{}{}, dismissed: map[string]struct{}{}}
}

// blocked reports whether a and b are in a block, either direction.
func (s *Store) blocked(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	pa, pb := s.persons[a], s.persons[b]
	if pa == nil || pb == nil {
		return false
	}
	_, ab := pa.blocks[b]
	_, ba := pb.blocks[a]
	return ab || ba
}

// SearchPersons implements store.SocialReader.
func (s *Store) SearchPersons(_ context.Context, viewer string, words []string, pg store.OffsetPage) (store.PersonPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	type hit struct {
		p   store.Person
		rel int
	}
	var hits []hit
	for id, p := range s.persons {
		if !p.registered || s.blocked(viewer, id) {
			continue
		}
		if rel, ok := domain.SearchMatch(domain.SearchKey(p.name), words); ok {
			hits = append(hits, hit{s.view(p), rel})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.rel != b.rel {
			return a.rel > b.rel
		}
		if a.p.FollowerCount != b.p.FollowerCount {
			return a.p.FollowerCount > b.p.FollowerCount
		}
		return a.p.ID < b.p.ID
	})
	if len(hits) > store.MaxSearchMatches {
		hits = hits[:store.MaxSearchMatches]
	}
	res := store.PersonPage{TotalCount: len(hits), Persons: []store.Person{}}
	for i := pg.Offset; i < len(hits); i++ {
		if len(res.Persons) == pg.First {
			res.HasNext = true
			break
		}
		res.Persons = append(res.Persons, hits[i].p)
	}
	return res, nil
}

// members counts the registered persons of an interest.
func (s *Store) members(name string) int {
	n := 0
	for id := range s.interests[name] {
		if _, ok := s.registered(id); ok {
			n++
		}
	}
	return n
}

// Interests implements store.SocialReader.
func (s *Store) Interests(_ context.Context, prefix string, order store.InterestOrder, pg store.OffsetPage) (store.InterestPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []store.Interest
	for name := range s.interests {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		if n := s.members(name); n > 0 {
			all = append(all, store.Interest{Name: name, PersonCount: n})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if order == store.InterestsByPopularity && all[i].PersonCount != all[j].PersonCount {
			return all[i].PersonCount > all[j].PersonCount
		}
		return all[i].Name < all[j].Name
	})
	res := store.InterestPage{TotalCount: len(all), Interests: []store.Interest{}}
	for i := pg.Offset; i < len(all); i++ {
		if len(res.Interests) == pg.First {
			res.HasNext = true
			break
		}
		res.Interests = append(res.Interests, all[i])
	}
	return res, nil
}

// TrendingInterests implements store.SocialReader.
func (s *Store) TrendingInterests(_ context.Context, from, to time.Time, first int) ([]store.TrendingInterest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	adopters := map[string]int{}
	for _, p := range s.persons {
		if !p.registered {
			continue
		}
		for name, since := range p.interests {
			if !since.Before(from) && since.Before(to) {
				adopters[name]++
			}
		}
	}
	out := []store.TrendingInterest{}
	for name, n := range adopters {
		size := s.members(name)
		out = append(out, store.TrendingInterest{Interest: store.Interest{Name: name, PersonCount: size},
			Adopters: n, Score: float64(n) / math.Sqrt(float64(size))})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Adopters != b.Adopters {
			return a.Adopters > b.Adopters
		}
		return a.Interest.Name < b.Interest.Name
	})
	return out[:min(first, len(out))], nil
}

// RelatedInterests implements store.SocialReader.
func (s *Store) RelatedInterests(_ context.Context, name string, first int) ([]store.RelatedInterest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	shared := map[string]int{}
	for id := range s.interests[name] {
		p, ok := s.registered(id)
		if !ok {
			continue
		}
		for other := range p.interests {
			if other != name {
				shared[other]++
			}
		}
	}
	size := s.members(name)
	out := []store.RelatedInterest{}
	for other, n := range shared {
		osize := s.members(other)
		out = append(out, store.RelatedInterest{Interest: store.Interest{Name: other, PersonCount: osize},
			SharedPersons: n, Score: float64(n) / float64(size+osize-n)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.SharedPersons != b.SharedPersons {
			return a.SharedPersons > b.SharedPersons
		}
		return a.Interest.Name < b.Interest.Name
	})
	return out[:min(first, len(out))], nil
}

// Mutuals implements store.SocialReader.
func (s *Store) Mutuals(_ context.Context, viewer string, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.socialPages(viewer, ids, pg, func(p *person) map[string]struct{} {
		set := map[string]struct{}{}
		for id := range p.followers {
			if _, back := p.follows[id]; back {
				set[id] = struct{}{}
			}
		}
		return set
	}), nil
}

// FollowersYouKnow implements store.SocialReader.
func (s *Store) FollowersYouKnow(_ context.Context, viewer string, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.socialPages(viewer, ids, pg, func(p *person) map[string]struct{} {
		set := map[string]struct{}{}
		if me, ok := s.registered(viewer); ok {
			for id := range p.followers {
				if _, known := me.follows[id]; known {
					set[id] = struct{}{}
				}
			}
		}
		return set
	}), nil
}

// socialPages is pages with the viewer's block exclusions: nothing for a
// person in a block with the viewer, and no one in a block with the viewer.
func (s *Store) socialPages(viewer string, ids []string, pg store.Page, members func(*person) map[string]struct{}) map[string]store.PersonPage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]store.PersonPage, len(ids))
	for _, id := range ids {
		set := map[string]time.Time{} // social lists are by id: no edge time
		if p, ok := s.registered(id); ok && !s.blocked(viewer, id) {
			for m := range members(p) {
				if !s.blocked(viewer, m) {
					set[m] = time.Time{}
				}
			}
		}
		out[id] = s.page(set, pg)
	}
	return out
}

// Relationships implements store.SocialReader.
func (s *Store) Relationships(_ context.Context, viewer string, ids []string) (map[string]store.Relationship, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]store.Relationship, len(ids))
	me, ok := s.persons[viewer]
	for _, id := range ids {
		var r store.Relationship
		if p := s.persons[id]; ok && p != nil {
			_, r.Following = me.follows[id]
			_, r.FollowedBy = p.follows[viewer]
			_, r.Blocking = me.blocks[id]
			_, r.BlockedBy = p.blocks[viewer]
			_, r.Muting = me.mutes[id]
		}
		out[id] = r
	}
	return out, nil
}
