package memory

import (
	"context"
	"sort"

	"github.com/interestgraph/interestgraph/internal/store"
)

// RankedInterestsOf implements store.Reader.
func (s *Store) RankedInterestsOf(_ context.Context, ids []string, order store.InterestOrder, first int) (map[string][]store.Interest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string][]store.Interest, len(ids))
	for _, id := range ids {
		list := []store.Interest{}
		if p, ok := s.registered(id); ok {
			for n := range p.interests {
				i := store.Interest{Name: n}
				if order == store.InterestsByPopularity {
					i.PersonCount = s.holders(n)
				}
				list = append(list, i)
			}
		}
		sort.Slice(list, func(a, b int) bool {
			if list[a].PersonCount != list[b].PersonCount {
				return list[a].PersonCount > list[b].PersonCount
			}
			return list[a].Name < list[b].Name
		})
		out[id] = list[:min(first, len(list))]
	}
	return out, nil
}

// holders counts the registered persons holding interest n.
func (s *Store) holders(n string) int {
	c := 0
	for id := range s.interests[n] {
		if _, ok := s.registered(id); ok {
			c++
		}
	}
	return c
}
