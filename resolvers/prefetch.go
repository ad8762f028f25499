package resolvers

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// rootQuery is a root field whose selection compiles into one read: the
// caller (me), or the person of id (person).
type rootQuery struct {
	me bool
	id string
}

// read reads plan through the root field's query handler, which applies
// the authorization table: nil when there is no such person (or none the
// caller may see).
func (q rootQuery) read(ctx context.Context, a *app.Application, plan store.PersonPlan) (*store.PersonRead, error) {
	if q.me {
		return a.Queries.Me(ctx, app.Me{Plan: plan})
	}
	return a.Queries.Person(ctx, app.PersonByID{ID: q.id, Plan: plan})
}

// readPerson reads a root person and everything its selection plans in
// one store call (one statement) through q's query of the application:
// the child resolvers then return what the read holds. nil when there is
// no such person.
func readPerson(ctx context.Context, a *app.Application, q rootQuery) (*gqlmodel.Person, error) {
	plan, keys := planSelection(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.Selections)
	got, err := q.read(ctx, a, plan)
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
	list, held := plannedInterests(pf, ik)
	if !ok || !held {
		return nil, false
	}
	out := make([]gqlmodel.Interest, len(list))
	for i, in := range list {
		if ik.Counted {
			r.loaders(ctx).Interest.Prime(in.Name, &in)
		}
		out[i] = gqlmodel.Interest{Name: in.Name}
	}
	return out, true
}

// plannedInterests is the interest list a planned read holds under ik;
// false when the read does not hold it (a store that did not plan it).
func plannedInterests(pf *gqlmodel.Prefetched, ik gqlmodel.InterestsKey) ([]store.Interest, bool) {
	if ik.Index >= len(pf.Read.Interests) {
		return nil, false
	}
	return pf.Read.Interests[ik.Index], true
}

// plannedList maps the page of the person list a planned read holds under
// lk, each member keeping what the read holds of them; false when the
// read does not hold it (a store that did not plan it).
func plannedList(ctx context.Context, pf *gqlmodel.Prefetched, lk gqlmodel.ListKey) (*model.PersonConnection, bool, error) {
	if lk.Index >= len(pf.Read.Lists) {
		return nil, false, nil
	}
	lr := pf.Read.Lists[lk.Index]
	if len(lr.Members) < len(lr.Page.Persons) {
		return nil, true, fmt.Errorf("planned page of %d persons with %d member reads", len(lr.Page.Persons), len(lr.Members))
	}
	node := func(i int, _ store.Person) *gqlmodel.Person { return prefetched(ctx, lr.Members[i], lk.Members) }
	if lk.NoCursors {
		return plainPage(lr.Page, node), true, nil
	}
	conn, err := orderedPage(lk.Order, lr.Page, node)
	return conn, true, err
}
