package resolvers

import (
	"context"

	"github.com/vikstrous/dataloadgen"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// MaxInterestsFirst bounds Person.interests(first:): a person holds at
// most domain.MaxInterestsPerPerson interests.
const MaxInterestsFirst = domain.MaxInterestsPerPerson

// rankedKey names the first interests of one person in one order.
type rankedKey struct {
	ID    string
	Order store.InterestOrder
	First int
}

// rankedLoader batches ranked reads with the same order and first.
func rankedLoader(r app.Batches) *dataloadgen.Loader[rankedKey, []store.Interest] {
	return dataloadgen.NewLoader(func(ctx context.Context, keys []rankedKey) ([][]store.Interest, []error) {
		type group struct {
			order store.InterestOrder
			first int
		}
		groups := map[group][]string{}
		for _, k := range keys {
			g := group{k.Order, k.First}
			groups[g] = append(groups[g], k.ID)
		}
		results := map[rankedKey][]store.Interest{}
		for g, ids := range groups {
			m, err := r.RankedInterestsOf(ctx, ids, g.order, g.first)
			if err != nil {
				return fill(keys, err, func(rankedKey) []store.Interest { return nil })
			}
			for id, list := range m {
				results[rankedKey{ID: id, Order: g.order, First: g.first}] = list
			}
		}
		return fill(keys, nil, func(k rankedKey) []store.Interest { return results[k] })
	}, dataloadgen.WithWait(loaderWait))
}

// personInterests resolves Person.interests. The default (all, by name)
// reads names only; a page or the popular order reads ranked, and the
// counts that ranking read are primed, so personCount costs nothing more.
func (r *Resolver) personInterests(ctx context.Context, obj *gqlmodel.Person, first *int, orderBy *model.InterestOrder) ([]gqlmodel.Interest, error) {
	if out, ok := r.prefetchedInterests(ctx, obj); ok {
		return out, nil
	}
	id := obj.ID
	order := store.InterestsByName
	if orderBy != nil && *orderBy == model.InterestOrderPopular {
		order = store.InterestsByPopularity
	}
	if first != nil && (*first < 1 || *first > MaxInterestsFirst) {
		return nil, domain.Invalid("first", "first must be between 1 and %d", MaxInterestsFirst)
	}
	l := r.loaders(ctx)
	if first == nil && order == store.InterestsByName {
		names, err := l.InterestsOf.Load(ctx, id)
		if err != nil {
			return nil, err
		}
		return toInterests(names), nil
	}
	n := MaxInterestsFirst
	if first != nil {
		n = *first
	}
	list, err := l.Ranked.Load(ctx, rankedKey{ID: id, Order: order, First: n})
	if err != nil {
		return nil, err
	}
	out := make([]gqlmodel.Interest, len(list))
	for i, in := range list {
		if order == store.InterestsByPopularity {
			l.Interest.Prime(in.Name, &in)
		}
		out[i] = gqlmodel.Interest{Name: in.Name}
	}
	return out, nil
}
