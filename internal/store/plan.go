package store

import "context"

// MaxPlanDepth bounds how many lists deep a plan goes; the gateway's
// depth limit is lower, so a real query never reaches it.
const MaxPlanDepth = 16

// PersonPlan is what one read of a person takes: which counts, which
// interest lists, which person lists with which pages, and the same for
// every member of those lists, to any depth. A store compiles it into one
// statement. It knows nothing of GraphQL, and nothing in it is ever
// written into a statement's text except the store's own generated names.
type PersonPlan struct {
	Counts bool // FollowerCount and FollowingCount; 0 without
	// SkipProfile reads only the person's id and name (and the counts):
	// email, registeredAt, balance and bio stay zero. A nested read selects
	// little more than names, and each property read and sent costs.
	SkipProfile bool
	Interests   []InterestsPlan
	Lists       []ListPlan
}

// InterestsPlan reads a person's first interests in an order.
type InterestsPlan struct {
	Order InterestOrder
	First int
	// Counts reads each interest's PersonCount (always read when ordered
	// by popularity).
	Counts bool
}

// ListKind names a person list of a person.
type ListKind int

// Person lists.
const (
	FollowersList ListKind = iota
	FollowingList
)

// ListPlan reads one page of a person list and Member of every person on it.
type ListPlan struct {
	Kind   ListKind
	Page   Page
	Member PersonPlan
	// NoCursors: the client selected neither an edge's cursor nor the
	// page's pageInfo, so the page's order keys are read as "" and
	// HasNext as false, and the read takes first members, not first+1.
	NoCursors bool
}

// PersonRead is what a plan read: Interests and Lists are in the order of
// the plan's.
type PersonRead struct {
	Person    Person
	Interests [][]Interest
	Lists     []ListRead
}

// ListRead is a page of a list; Members[i] is what the member plan read
// of Page.Persons[i].
type ListRead struct {
	Page    PersonPage
	Members []PersonRead
}

// PlanReader executes plans.
type PlanReader interface {
	// ReadPerson reads plan for the registered person id in one
	// statement; nil when there is no such person.
	ReadPerson(ctx context.Context, id string, plan PersonPlan) (*PersonRead, error)
}
