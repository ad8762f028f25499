package neo4jstore

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/interestgraph/interestgraph/internal/store"
)

// Columns of a planned person's projection that are not properties: one
// per interest list and one per list, numbered (columns). No property
// name starts with '#'.
const (
	interestsColumn = "#i"
	listColumn      = "#l"
)

// columns are the values a planned person is projected as, in order: a
// list, not a map, which cost Neo4j and the driver a key, and the driver
// a map, for every person of a nested read.
func columns(plan store.PersonPlan) []string {
	cols := make([]string, 0, 8+len(plan.Interests)+len(plan.Lists))
	cols = append(cols, "id", "name")
	if !plan.SkipProfile {
		cols = append(cols, "email", "registeredAt", "balance", "bio")
	}
	if plan.Counts {
		cols = append(cols, "followers", "following")
	}
	for i := range plan.Interests {
		cols = append(cols, interestsColumn+strconv.Itoa(i))
	}
	for i := range plan.Lists {
		cols = append(cols, listColumn+strconv.Itoa(i))
	}
	return cols
}

// tuple reads a projected list by the names of its values.
type tuple struct {
	vals  []any
	names []string
}

// Get implements getter.
func (t tuple) Get(key string) (any, bool) {
	for i, n := range t.names {
		if n == key {
			if i < len(t.vals) {
				return t.vals[i], true
			}
			break
		}
	}
	return nil, false
}

// asTuple returns v, a projected list of len(names) values, as a tuple.
func asTuple(v any, what string, names []string) (tuple, error) {
	vals, ok := v.([]any)
	if !ok {
		return tuple{}, fmt.Errorf("%w: %s is %T, want a list of %d", errRecordShape, what, v, len(names))
	}
	if len(vals) != len(names) {
		return tuple{}, fmt.Errorf("%w: %s is a list of %d, want %d", errRecordShape, what, len(vals), len(names))
	}
	return tuple{vals: vals, names: names}, nil
}

var (
	interestColumns = []string{"name", "n"}
	listColumns     = []string{"total", "page"}
	itemColumns     = []string{"k", "p"}
)

// toPersonRead maps the projection compilePlan made for plan.
func toPersonRead(v any, plan store.PersonPlan) (store.PersonRead, error) {
	return toPlannedPerson(v, plan, columns(plan))
}

// toPlannedPerson is toPersonRead with plan's columns, made once for the
// members of a list.
func toPlannedPerson(v any, plan store.PersonPlan, cols []string) (store.PersonRead, error) {
	t, err := asTuple(v, "planned person", cols)
	if err != nil {
		return store.PersonRead{}, err
	}
	toP := personFrom
	if plan.SkipProfile {
		toP = namedPersonFrom
	}
	p, err := toP(t)
	if err != nil {
		return store.PersonRead{}, err
	}
	r := store.PersonRead{Person: p}
	f := &fields{src: t, what: "planned person"}
	for i, ip := range plan.Interests {
		list := list[any](f, interestsColumn+strconv.Itoa(i))
		if f.err != nil {
			return store.PersonRead{}, f.err
		}
		var interests []store.Interest
		var err error
		if namesInGo(ip) {
			interests, err = sortedNames(list, ip.First)
		} else {
			interests, err = toInterestList(list, counted(ip))
		}
		if err != nil {
			return store.PersonRead{}, err
		}
		r.Interests = append(r.Interests, interests)
	}
	for i, lp := range plan.Lists {
		raw := req[any](f, listColumn+strconv.Itoa(i))
		if f.err != nil {
			return store.PersonRead{}, f.err
		}
		lr, err := toListRead(raw, lp)
		if err != nil {
			return store.PersonRead{}, err
		}
		r.Lists = append(r.Lists, lr)
	}
	return r, nil
}

// sortedNames maps the names read for a plan namesInGo says is sorted
// here, by name, cut to first.
func sortedNames(list []any, first int) ([]store.Interest, error) {
	for _, v := range list {
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("neo4j: planned interest is %T, want a name", v)
		}
	}
	// The list is the driver's, read once: sorted where it is.
	slices.SortFunc(list, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	out := make([]store.Interest, min(len(list), first))
	for i := range out {
		out[i].Name = list[i].(string)
	}
	return out, nil
}

// toInterestList maps the interests a read returned: names, or with
// counted their names and counts, as a planned read's [name, n] or
// another read's map {name, n}.
func toInterestList(list []any, counted bool) ([]store.Interest, error) {
	out := make([]store.Interest, 0, len(list))
	for _, v := range list {
		if !counted {
			name, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("neo4j: planned interest is %T, want a name", v)
			}
			out = append(out, store.Interest{Name: name})
			continue
		}
		g, err := asInterest(v)
		if err != nil {
			return nil, err
		}
		f := &fields{src: g, what: "interest"}
		i := store.Interest{Name: req[string](f, "name"), PersonCount: count(f, "n")}
		if f.err != nil {
			return nil, f.err
		}
		out = append(out, i)
	}
	return out, nil
}

// asInterest reads a counted interest of either shape.
func asInterest(v any) (getter, error) {
	if l, ok := v.([]any); ok {
		return asTuple(l, "planned interest", interestColumns)
	}
	return asRow(v, "interest")
}

// toListRead maps a page read with one extra, which only says whether
// there is a next page.
func toListRead(raw any, lp store.ListPlan) (store.ListRead, error) {
	t, err := asTuple(raw, "planned list", listColumns)
	if err != nil {
		return store.ListRead{}, err
	}
	f := &fields{src: t, what: "planned list"}
	total, page := count(f, "total"), list[any](f, "page")
	if f.err != nil {
		return store.ListRead{}, f.err
	}
	lr := store.ListRead{Page: store.PersonPage{TotalCount: total, Persons: []store.Person{}}, Members: []store.PersonRead{}}
	if lp.Page.Order != store.ByID {
		lr.Page.Keys = []string{}
	}
	cols := columns(lp.Member)
	if lp.NoCursors {
		return toPlainPage(lr, page, lp, cols)
	}
	for _, v := range page {
		if len(lr.Members) == lp.Page.First {
			lr.Page.HasNext = true
			break
		}
		item, err := asTuple(v, "list item", itemColumns)
		if err != nil {
			return store.ListRead{}, err
		}
		g := &fields{src: item, what: "list item"}
		k, p := req[any](g, "k"), req[any](g, "p")
		if g.err != nil {
			return store.ListRead{}, g.err
		}
		member, err := toPlannedPerson(p, lp.Member, cols)
		if err != nil {
			return store.ListRead{}, err
		}
		if lp.Page.Order != store.ByID {
			keys, err := orderKeys([]any{k}, 1)
			if err != nil {
				return store.ListRead{}, err
			}
			lr.Page.Keys = append(lr.Page.Keys, keys[0])
		}
		lr.Page.Persons = append(lr.Page.Persons, member.Person)
		lr.Members = append(lr.Members, member)
	}
	return lr, nil
}

// toPlainPage maps a page read without cursors: its members' projections,
// with "" keys.
func toPlainPage(lr store.ListRead, page []any, lp store.ListPlan, cols []string) (store.ListRead, error) {
	lr.Page.Persons, lr.Members = make([]store.Person, 0, len(page)), make([]store.PersonRead, 0, len(page))
	if lr.Page.Keys != nil { // an ordered page: its keys, all ""
		lr.Page.Keys = make([]string, len(page))
	}
	for _, v := range page {
		member, err := toPlannedPerson(v, lp.Member, cols)
		if err != nil {
			return store.ListRead{}, err
		}
		lr.Page.Persons = append(lr.Page.Persons, member.Person)
		lr.Members = append(lr.Members, member)
	}
	return lr, nil
}
