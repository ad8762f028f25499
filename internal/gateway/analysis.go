package gateway

import (
	"cmp"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/resolvers"
)

// weight is how a field's complexity grows with the complexity of its
// selection: base + mult×child. For a paged list, mult is the page size:
// the field's `first` argument (at most max, resolvers.MaxPageSize when
// 0), or page when it has none.
type weight struct {
	base, mult, page, max int
}

// weights are the complexity of fields that cost more than one plus their
// selection. The one table for the complexity figure; fields not listed
// cost 1 + child, introspection fields cost nothing.
var weights = map[string]weight{
	"Person.followers":        {base: 1, page: 20},
	"Person.following":        {base: 1, page: 20},
	"Wallet.transfers":        {base: 1, page: 20},
	"Interest.persons":        {base: 1, page: 20},
	"Query.recommendedPeople": {base: 1, page: 10},
	"Query.notifications":     {base: 1, page: 20},
	// Lists bounded by the per-person cap of 1,000 interests
	// (domain.MaxInterestsPerPerson): without `first` charged at 100, a
	// tenth of the worst case, so one level costs what a heavy real person
	// costs and nesting them (interests → persons → interests) multiplies
	// out of the limit; with `first`, at first.
	"Person.interests":                     {base: 1, page: 100, max: resolvers.MaxInterestsFirst},
	"PersonRecommendation.sharedInterests": {base: 1, mult: 50},
	// The social graph (social.graphqls).
	"Query.searchPersons":             {base: 1, page: 20},
	"Query.interests":                 {base: 1, page: 20},
	"Query.trendingInterests":         {base: 1, page: 10},
	"Interest.related":                {base: 1, page: 10},
	"Person.mutuals":                  {base: 1, page: 20},
	"Person.followersYouKnow":         {base: 1, page: 20},
	"PersonRecommendation.followedBy": {base: 1, mult: 3},
	// Password hashing makes these the most expensive fields of all.
	"Mutation.login":    {base: 100, mult: 1},
	"Mutation.register": {base: 100, mult: 1},
}

// signIns are the mutations that check a credential.
var signIns = map[string]bool{"login": true, "register": true, "loginWithIdToken": true, "refreshToken": true}

// figures describe a selection set. They do not depend on where a
// fragment is spread (its fields' types and arguments are fixed by its
// type condition and the operation's variables), which is what lets a
// fragment's figures be computed once and reused at every spread.
type figures struct {
	depth      int // levels of fields below the selection set (relative)
	fields     int // fields at its top, through fragments; aliases count
	signIns    int // of those, sign-in fields
	complexity int
	aliased    bool // some field at any depth has an alias other than its name
}

func (f *figures) add(g figures) {
	f.depth = max(f.depth, g.depth)
	f.fields = addSat(f.fields, g.fields)
	f.signIns = addSat(f.signIns, g.signIns)
	f.complexity = addSat(f.complexity, g.complexity)
	f.aliased = f.aliased || g.aliased
}

// analysis is the outcome of analysing one operation.
type analysis struct {
	depth, rootFields, signIns, complexity int
	steps                                  int // selections visited: linear in the document
	// introspectionAliases: an alias under __schema or __type. Introspection
	// costs nothing in the complexity figure (the playground's introspection
	// query must pass), which is safe only while every path in it is
	// unique: without aliases, repeated fields merge into one answer, so an
	// answer is at most the schema's size; with them, n aliases at three
	// levels make n³ copies of it.
	introspectionAliases bool
}

// analyse computes the figures of op in one pass over the document: each
// fragment's selection set is walked once, however often it is spread, so
// a chain of fragments each spreading the next twice costs what its text
// costs, not 2^n. It works on unvalidated documents too (no definitions,
// unknown or cyclic fragments) without looping or panicking.
func analyse(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) analysis {
	a := analyser{schema: schema, vars: vars}
	if len(doc.Fragments) > 0 { // most operations have none: no tables for them
		a.frags = make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
		a.memo, a.active = map[string]figures{}, map[string]bool{}
	}
	for _, f := range doc.Fragments {
		if f == nil {
			continue
		}
		if _, dup := a.frags[f.Name]; !dup {
			a.frags[f.Name] = f
		}
	}
	f := a.selections(op.SelectionSet)
	r := analysis{depth: f.depth, rootFields: f.fields, complexity: f.complexity, steps: a.steps, introspectionAliases: a.introspectionAliases}
	if op.Operation == ast.Mutation {
		r.signIns = f.signIns
	}
	return r
}

type analyser struct {
	schema *ast.Schema
	vars   map[string]any
	frags  map[string]*ast.FragmentDefinition
	memo   map[string]figures // by fragment name
	active map[string]bool    // fragments being walked: a spread of one is a cycle
	steps  int

	introspectionAliases bool
}

func (a *analyser) selections(set ast.SelectionSet) figures {
	var f figures
	for _, sel := range set {
		a.steps++
		switch s := sel.(type) {
		case *ast.Field:
			f.add(a.field(s))
		case *ast.InlineFragment:
			f.add(a.selections(s.SelectionSet))
		case *ast.FragmentSpread:
			f.add(a.fragment(s.Name))
		}
	}
	return f
}

func (a *analyser) field(s *ast.Field) figures {
	child := a.selections(s.SelectionSet)
	if child.aliased && (s.Name == "__schema" || s.Name == "__type") {
		a.introspectionAliases = true
	}
	f := figures{depth: child.depth + 1, fields: 1, complexity: a.cost(s, child.complexity),
		aliased: child.aliased || (s.Alias != "" && s.Alias != s.Name)}
	if s.Name == "__schema" || s.Name == "__type" {
		// The schema bounds an introspection answer, not the depth limit:
		// validation (gqlparser's MaxIntrospectionDepth) refuses nesting
		// __Type's lists more than three deep, and aliases are refused
		// above, so the full introspection query (15 levels of ofType and
		// fragments) passes while nothing in it can multiply.
		f.depth = 1
	}
	if signIns[s.Name] {
		f.signIns = 1
	}
	return f
}

func (a *analyser) fragment(name string) figures {
	if f, ok := a.memo[name]; ok {
		return f
	}
	def := a.frags[name]
	if def == nil || a.active[name] {
		// Unknown fragments and cycles fail validation; here they only
		// must not loop.
		return figures{}
	}
	a.active[name] = true
	f := a.selections(def.SelectionSet)
	delete(a.active, name)
	a.memo[name] = f
	return f
}

// cost is the complexity of field s whose selection costs child. A field
// of an interface costs what it costs on the most expensive implementation,
// as gqlgen's calculator has it.
func (a *analyser) cost(s *ast.Field, child int) int {
	if strings.HasPrefix(s.Name, "__") {
		return 0
	}
	parent := s.ObjectDefinition
	if parent == nil {
		return addSat(1, child)
	}
	if parent.Kind != ast.Interface || a.schema == nil {
		return a.fieldCost(parent.Name, s, child)
	}
	c := 0
	for _, t := range a.schema.GetPossibleTypes(parent) {
		c = max(c, a.fieldCost(t.Name, s, child))
	}
	return c
}

func (a *analyser) fieldCost(typ string, s *ast.Field, child int) int {
	w, ok := weights[typ+"."+s.Name]
	if !ok {
		w = weight{base: 1, mult: 1}
	}
	mult := w.mult
	if w.page > 0 {
		mult = a.pageSize(s, w.page, cmp.Or(w.max, resolvers.MaxPageSize))
	}
	return addSat(w.base, mulSat(mult, child))
}

// pageSize is the field's `first` with variables and defaults applied, as
// gqlgen resolves it for the resolver. Out of range it is clamped: the
// resolver refuses it with a range error, which says more than a
// complexity figure of a million would.
func (a *analyser) pageSize(s *ast.Field, def, most int) int {
	v, ok := a.argument(s, "first")
	if !ok || v == nil {
		return def
	}
	n, err := graphql.UnmarshalInt(v)
	if err != nil || n < 1 {
		return def
	}
	return min(n, most)
}

// argument is the value of the named argument of s, like ast's
// ArgumentMap but without its panic on a literal it cannot convert.
func (a *analyser) argument(s *ast.Field, name string) (any, bool) {
	if arg := s.Arguments.ForName(name); arg != nil && arg.Value != nil {
		if arg.Value.Kind == ast.Variable {
			if v, ok := a.vars[arg.Value.Raw]; ok {
				return v, true
			}
		} else {
			v, err := arg.Value.Value(a.vars)
			return v, err == nil
		}
	}
	if s.Definition == nil {
		return nil, false
	}
	if d := s.Definition.Arguments.ForName(name); d != nil && d.DefaultValue != nil {
		v, err := d.DefaultValue.Value(a.vars)
		return v, err == nil
	}
	return nil, false
}

// addSat adds non-negative figures, saturating instead of overflowing, so
// that no request can wrap a figure round to something small.
func addSat(x, y int) int {
	if x > math.MaxInt-y {
		return math.MaxInt
	}
	return x + y
}

func mulSat(x, y int) int {
	if x != 0 && y > math.MaxInt/x {
		return math.MaxInt
	}
	return x * y
}
