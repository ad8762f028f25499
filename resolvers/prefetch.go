package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// readPerson reads a root person and everything its selection plans in
// one store call (one statement) through read, a query of the
// application: the child resolvers then return what the read holds. nil
// when there is no such person.
func readPerson(ctx context.Context, read func(store.PersonPlan) (*store.PersonRead, error)) (*gqlmodel.Person, error) {
	plan, keys := planSelection(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.Selections)
	got, err := read(plan)
	if err != nil || got == nil {
		return nil, err
	}
	return prefetched(ctx, *got, keys), nil
}

// prefetched maps a planned read of a person, keeping it for the child
// resolvers.
func prefetched(ctx context.Context, read store.PersonRead, keys *gqlmodel.PlanKeys) *gqlmodel.Person {
	p := toPerson(ctx, read.Person)
	p.Prefetched = &gqlmodel.Prefetched{Read: &read, Keys: keys}
	return p
}

// interestPersons resolves Interest.persons, which plans do not reach.
func (r *Resolver) interestPersons(ctx context.Context, name string, first *int, after *string, orderBy *model.FollowOrder) (*model.PersonConnection, error) {
	return r.orderedConnection(ctx, &gqlmodel.Person{ID: name}, r.loaders(ctx).InterestPersons, first, after, orderBy)
}

// prefetchedInterests returns the interests a planned read holds for the
// field being resolved, priming the interest loader with the counts it
// read (personCount then costs nothing).
func (r *Resolver) prefetchedInterests(ctx context.Context, obj *gqlmodel.Person) ([]gqlmodel.Interest, bool) {
	pf := obj.Prefetched
	if pf == nil {
		return nil, false
	}
	ik, ok := pf.Keys.Interests[graphql.GetFieldContext(ctx).Field.Alias]
	if !ok || ik.Index >= len(pf.Read.Interests) {
		return nil, false
	}
	list := pf.Read.Interests[ik.Index]
	out := make([]gqlmodel.Interest, len(list))
	for i, in := range list {
		if ik.Counted {
			r.loaders(ctx).Interest.Prime(in.Name, &in)
		}
		out[i] = gqlmodel.Interest{Name: in.Name}
	}
	return out, true
}
