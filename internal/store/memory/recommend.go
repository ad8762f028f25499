package memory

import (
	"context"
	"sort"

	"github.com/interestgraph/interestgraph/internal/store"
)

// Recommend implements store.Reader with the scoring rule documented in
// the schema: one point per shared interest, half a point per person the
// caller follows who follows the candidate, half a point if the candidate
// follows the caller. With no such candidate, the most-followed persons.
func (s *Store) Recommend(_ context.Context, id string, first int) ([]store.Recommendation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	me, ok := s.registered(id)
	if !ok {
		return []store.Recommendation{}, nil
	}
	cands := map[string]*store.Recommendation{}
	get := func(cid string) *store.Recommendation {
		c := cands[cid]
		if c == nil {
			c = &store.Recommendation{SharedInterests: []string{}}
			cands[cid] = c
		}
		return c
	}
	for name := range me.interests {
		for cid := range s.interests[name] {
			c := get(cid)
			c.Score++
			c.SharedInterests = append(c.SharedInterests, name)
		}
	}
	for fid := range me.follows {
		if f, ok := s.registered(fid); ok {
			for cid := range f.follows {
				c := get(cid)
				c.Score += 0.5
				c.FollowedVia++
			}
		}
	}
	for cid := range me.followers {
		c := get(cid)
		c.Score += 0.5
		c.FollowsYou = true
	}
	out := []store.Recommendation{}
	for cid, c := range cands {
		if p, ok := s.recommendable(me, cid); ok {
			sort.Strings(c.SharedInterests)
			c.Person = s.view(p)
			out = append(out, *c)
		}
	}
	if len(out) == 0 {
		out = s.popular(me)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Person.FollowerCount != b.Person.FollowerCount {
			return a.Person.FollowerCount > b.Person.FollowerCount
		}
		return a.Person.ID < b.Person.ID
	})
	return out[:min(first, len(out))], nil
}

// recommendable returns the candidate cid unless it is the caller, not
// registered, already followed, in a block with the caller, muted or
// dismissed by the caller.
func (s *Store) recommendable(me *person, cid string) (*person, bool) {
	p, ok := s.registered(cid)
	if !ok || cid == me.id || s.blocked(me.id, cid) {
		return nil, false
	}
	_, followed := me.follows[cid]
	_, muted := me.mutes[cid]
	_, dismissed := me.dismissed[cid]
	return p, !followed && !muted && !dismissed
}

// popular is every recommendable person with a follower (the caller
// pages them, most followed first: Recommend sorts ties by follower count).
func (s *Store) popular(me *person) []store.Recommendation {
	out := []store.Recommendation{}
	for cid := range s.persons {
		if p, ok := s.recommendable(me, cid); ok {
			if v := s.view(p); v.FollowerCount > 0 {
				out = append(out, store.Recommendation{Person: v, SharedInterests: []string{}, Popular: true})
			}
		}
	}
	return out
}
