package memory

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/store"
)

// RankedInterestsOf implements store.Reader.
func (s *Store) RankedInterestsOf(_ context.Context, ids []string, order store.InterestOrder, first int) (map[string][]store.Interest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string][]store.Interest, len(ids))
	for _, id := range ids {
		out[id] = []store.Interest{}
		if p, ok := s.registered(id); ok {
			out[id] = s.rankedOf(p, store.InterestsPlan{Order: order, First: first})
		}
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
