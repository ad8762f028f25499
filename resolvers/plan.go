package resolvers

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// planSelection turns a Person selection set into a read plan and the
// response keys that find its results. Fragments, inline fragments and
// @skip/@include are applied by gqlgen's CollectFields; arguments come with
// variables and defaults applied. A field the plan cannot take (arguments
// out of range, two edges or node fields under one list, too deep) is left
// out: its resolver then loads it and reports any error itself.
//
// A plan holds at most maxPlannedLists person and interest lists
// together: the statement's text grows with them, and Neo4j parses and
// caches every distinct text. Past that the fields resolve through the
// loaders, which the complexity limit already bounds.
func planSelection(op *graphql.OperationContext, sel ast.SelectionSet) (store.PersonPlan, *gqlmodel.PlanKeys) {
	budget := maxPlannedLists
	return planLevel(op, sel, 0, &budget)
}

// maxPlannedLists bounds the lists of one compiled read.
const maxPlannedLists = 64

func planLevel(op *graphql.OperationContext, sel ast.SelectionSet, depth int, budget *int) (store.PersonPlan, *gqlmodel.PlanKeys) {
	plan := store.PersonPlan{SkipProfile: true}
	keys := &gqlmodel.PlanKeys{Interests: map[string]gqlmodel.InterestsKey{}, Lists: map[string]gqlmodel.ListKey{}}
	for _, f := range graphql.CollectFields(op, sel, []string{"Person"}) {
		switch f.Name {
		case "email", "registeredAt", "bio", "wallet": // the fields of the profile (mapping.go)
			plan.SkipProfile = false
		case "followerCount", "followingCount":
			plan.Counts = true
		case "interests":
			if *budget <= 0 {
				continue
			}
			if ip, ok := interestsPlan(op, f); ok {
				*budget--
				keys.Interests[f.Alias] = gqlmodel.InterestsKey{Index: len(plan.Interests), Counted: ip.Counts}
				plan.Interests = append(plan.Interests, ip)
			}
		case "followers", "following":
			if depth >= store.MaxPlanDepth || *budget <= 0 {
				continue
			}
			*budget--
			if lp, members, ok := listPlan(op, f, depth, budget); ok {
				keys.Lists[f.Alias] = gqlmodel.ListKey{Index: len(plan.Lists), Order: lp.Page.Order, Members: members, NoCursors: lp.NoCursors}
				plan.Lists = append(plan.Lists, lp)
			}
		}
	}
	return plan, keys
}

// interestsPlan plans Person.interests(first, orderBy).
func interestsPlan(op *graphql.OperationContext, f graphql.CollectedField) (store.InterestsPlan, bool) {
	args := f.ArgumentMap(op.Variables)
	ip := store.InterestsPlan{Order: store.InterestsByName, First: MaxInterestsFirst}
	if o, _ := args["orderBy"].(string); o == string(model.InterestOrderPopular) {
		ip.Order = store.InterestsByPopularity
	}
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil || n < 1 || n > MaxInterestsFirst {
			return store.InterestsPlan{}, false
		}
		ip.First = n
	}
	for _, c := range graphql.CollectFields(op, f.Selections, []string{"Interest"}) {
		ip.Counts = ip.Counts || c.Name == "personCount"
	}
	ip.Counts = ip.Counts || ip.Order == store.InterestsByPopularity
	return ip, true
}

// listPlan plans Person.followers/following(first, after, orderBy) with
// the selection of its nodes.
func listPlan(op *graphql.OperationContext, f graphql.CollectedField, depth int, budget *int) (store.ListPlan, *gqlmodel.PlanKeys, bool) {
	args := f.ArgumentMap(op.Variables)
	var first *int
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return store.ListPlan{}, nil, false
		}
		first = &n
	}
	var orderBy *model.FollowOrder
	if o, ok := args["orderBy"].(string); ok {
		mo := model.FollowOrder(o)
		orderBy = &mo
	}
	after, _ := args["after"].(string)
	pg, err := pageOf(first, &after, orderBy)
	if err != nil {
		return store.ListPlan{}, nil, false
	}
	lp := store.ListPlan{Kind: store.FollowersList, Page: pg}
	if f.Name == "following" {
		lp.Kind = store.FollowingList
	}
	lp.Page.SkipTotal, lp.NoCursors = true, true
	var node []graphql.CollectedField
	for _, c := range graphql.CollectFields(op, f.Selections, []string{"PersonConnection"}) {
		switch c.Name {
		case "totalCount":
			lp.Page.SkipTotal = false
		case "pageInfo":
			lp.NoCursors = false
		case "edges":
			node = append(node, graphql.CollectFields(op, c.Selections, []string{"PersonEdge"})...)
		}
	}
	var nodes []graphql.CollectedField
	for _, n := range node {
		switch n.Name {
		case "node":
			nodes = append(nodes, n)
		case "cursor":
			lp.NoCursors = false
		}
	}
	members := &gqlmodel.PlanKeys{Interests: map[string]gqlmodel.InterestsKey{}, Lists: map[string]gqlmodel.ListKey{}}
	switch len(nodes) {
	case 0: // only counts or cursors: the members' ids and names suffice
		lp.Member.SkipProfile = true
	case 1:
		lp.Member, members = planLevel(op, nodes[0].Selections, depth+1, budget)
	default: // two edges or node aliases: left to the loaders
		return store.ListPlan{}, nil, false
	}
	return lp, members, true
}
