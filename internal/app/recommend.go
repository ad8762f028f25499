package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// MaxPageSize bounds the first argument of every paged list.
const MaxPageSize = 100

// MaxFollowedBy is how many persons a recommendation's followedBy names
// (the contract: up to 3).
const MaxFollowedBy = 3

// RecommendedPeople asks for the caller's first recommendations.
// FollowedBy also reads, for each, up to MaxFollowedBy persons the caller
// follows who follow them (one batched read more).
type RecommendedPeople struct {
	First      int
	FollowedBy bool
}

// Recommendations are the answer: People in order, and FollowedBy keyed
// by the recommended person's id (empty unless asked for).
type Recommendations struct {
	People     []store.Recommendation
	FollowedBy map[string][]store.Person
}

// recommendedPeople checks First after the token (1–MaxPageSize).
func (s *service) recommendedPeople(ctx context.Context, caller caller.Identity, q RecommendedPeople) (Recommendations, error) {
	if q.First < 1 || q.First > MaxPageSize {
		return Recommendations{}, domain.Invalid("first", "first must be between 1 and %d", MaxPageSize)
	}
	recs, err := s.reader.Recommend(ctx, caller.PersonID, q.First)
	if err != nil {
		return Recommendations{}, err
	}
	out := Recommendations{People: recs, FollowedBy: make(map[string][]store.Person, len(recs))}
	if len(recs) == 0 || !q.FollowedBy {
		return out, nil
	}
	ids := make([]string, 0, len(recs))
	for _, rec := range recs {
		ids = append(ids, rec.Person.ID)
	}
	pages, err := s.reader.FollowersYouKnow(ctx, caller.PersonID, ids, store.Page{First: MaxFollowedBy})
	if err != nil {
		return Recommendations{}, err
	}
	for id, pg := range pages {
		out.FollowedBy[id] = pg.Persons
	}
	return out, nil
}
