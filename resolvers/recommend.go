package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// maxFollowedBy is how many persons followedBy names (the contract: up to 3).
const maxFollowedBy = 3

// followedByOf returns, for each recommended person, up to three persons
// the caller follows who follow them: one batched read, and none at all
// when the selection does not ask for followedBy.
func (r *Resolver) followedByOf(ctx context.Context, me string, recs []store.Recommendation) (map[string][]gqlmodel.Person, error) {
	out := make(map[string][]gqlmodel.Person, len(recs))
	if len(recs) == 0 || !slices.Contains(graphql.CollectAllFields(ctx), "followedBy") {
		return out, nil
	}
	ids := make([]string, 0, len(recs))
	for _, rec := range recs {
		ids = append(ids, rec.Person.ID)
	}
	pages, err := r.App.Reader().FollowersYouKnow(ctx, me, ids, store.Page{First: maxFollowedBy})
	if err != nil {
		return nil, err
	}
	for id, pg := range pages {
		persons := make([]gqlmodel.Person, 0, len(pg.Persons))
		for _, p := range pg.Persons {
			persons = append(persons, *toPerson(ctx, p))
		}
		out[id] = persons
	}
	return out, nil
}
