package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
)

// selectsAll reports whether the field being resolved selects name at any
// depth: followedBy is read (one batched read more) only when asked for.
func selectsAll(ctx context.Context, name string) bool {
	return slices.Contains(graphql.CollectAllFields(ctx), name)
}

// toRecommendations maps the application's recommendations.
func toRecommendations(ctx context.Context, recs app.Recommendations) []model.PersonRecommendation {
	var names []string
	for _, rec := range recs.People {
		names = append(names, rec.SharedInterests...)
	}
	all := toInterests(names)
	out := make([]model.PersonRecommendation, 0, len(recs.People))
	for _, rec := range recs.People {
		shared := all[:len(rec.SharedInterests):len(rec.SharedInterests)]
		all = all[len(rec.SharedInterests):]
		via := make([]gqlmodel.Person, 0, len(recs.FollowedBy[rec.Person.ID]))
		for _, p := range recs.FollowedBy[rec.Person.ID] {
			via = append(via, *toPerson(ctx, p))
		}
		out = append(out, model.PersonRecommendation{Person: toPerson(ctx, rec.Person), Score: rec.Score, SharedInterests: shared,
			Reasons: reasonsOf(rec), FollowedBy: via})
	}
	return out
}
