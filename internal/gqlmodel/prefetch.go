package gqlmodel

import "github.com/interestgraph/interestgraph/internal/store"

// Prefetched is what one compiled read (a store.PersonPlan) already holds
// for a person: the resolvers of the fields it covers return it instead
// of loading. Fields it does not cover resolve through the loaders.
type Prefetched struct {
	Read *store.PersonRead
	Keys *PlanKeys
}

// PlanKeys maps the response keys (field names or aliases) of a person
// selection to the parts of the plan that read them. They stay in Go:
// no response key is ever part of a statement.
type PlanKeys struct {
	Interests map[string]InterestsKey
	Lists     map[string]ListKey
}

// InterestsKey locates one interests field in PersonRead.Interests.
type InterestsKey struct {
	Index   int
	Counted bool // PersonCount was read
}

// ListKey locates one person list in PersonRead.Lists, with the order its
// cursors are in and the keys of its members' selection. NoCursors: the
// list was read without order keys, as no cursor was selected, so none is
// made.
type ListKey struct {
	Index     int
	Order     store.FollowOrder
	Members   *PlanKeys
	NoCursors bool
}
