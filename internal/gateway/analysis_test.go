package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/interestgraph/interestgraph/graph"
	"github.com/interestgraph/interestgraph/graph/model"
)

var testSchema = graph.NewExecutableSchema(graph.Config{}).Schema()

// mustLoad parses and validates q against the schema, as the handler does.
func mustLoad(t testing.TB, q string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if errs := validator.Validate(testSchema, doc); len(errs) > 0 {
		t.Fatalf("validate: %v", errs)
	}
	return doc
}

// selectionCount counts the selections written in the document, each
// once: what a linear analysis may visit.
func selectionCount(doc *ast.QueryDocument) int {
	var count func(ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := len(set)
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				n += count(s.SelectionSet)
			case *ast.InlineFragment:
				n += count(s.SelectionSet)
			}
		}
		return n
	}
	n := 0
	for _, op := range doc.Operations {
		n += count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n += count(f.SelectionSet)
	}
	return n
}

// chain: n fragments on typ, each spreading the next `spreads` times.
func chain(typ string, n, spreads int, leaf string) string {
	var b strings.Builder
	for i := range n - 1 {
		fmt.Fprintf(&b, "fragment F%d on %s {", i, typ)
		for range spreads {
			fmt.Fprintf(&b, " ...F%d", i+1)
		}
		b.WriteString(" }\n")
	}
	fmt.Fprintf(&b, "fragment F%d on %s { %s }\n", n-1, typ, leaf)
	return b.String()
}

func powSat(b, e int) int {
	r := 1
	for range e {
		r = mulSat(r, b)
	}
	return r
}

// TestAnalysisStepsLinear counts the selections the analysis visits: each
// one written in the document exactly once, however many times its
// fragment is spread, on the root type and on an object type. Expanded,
// these documents have spreads^(n-1) fields.
func TestAnalysisStepsLinear(t *testing.T) {
	for _, spreads := range []int{2, 4, 8} {
		prev := 0
		for _, n := range []int{7, 13, 25} { // 6, 12, 24 fragments that spread
			expanded := powSat(spreads, n-1)
			for _, c := range []struct {
				name, query                 string
				depth, fields, complexityOf int
			}{
				{"Query", "query { ...F0 }\n" + chain("Query", n, spreads, "__typename"), 1, expanded, 0},
				{"Person", "query { me { ...F0 } }\n" + chain("Person", n, spreads, "id"), 2, 1, addSat(1, expanded)},
			} {
				doc := mustLoad(t, c.query)
				a := analyse(testSchema, doc, doc.Operations[0], nil)
				if want := selectionCount(doc); a.steps != want {
					t.Errorf("%s, %d×%d: %d steps, want %d (one per selection written)", c.name, n, spreads, a.steps, want)
				}
				if a.depth != c.depth || a.rootFields != c.fields || a.complexity != c.complexityOf {
					t.Errorf("%s, %d×%d: %+v, want depth %d, root fields %d, complexity %d", c.name, n, spreads, a, c.depth, c.fields, c.complexityOf)
				}
				if c.name == "Person" && prev > 0 && a.steps > 2*prev+2 {
					t.Errorf("%d×%d: %d steps, %d at half the fragments: not linear", n, spreads, a.steps, prev)
				}
				if c.name == "Person" {
					prev = a.steps
				}
			}
		}
	}
}

// TestAnalysisFragmentDepthIsRelative: a fragment spread at several levels
// is as deep as its deepest spread, though its figures are computed once.
func TestAnalysisFragmentDepthIsRelative(t *testing.T) {
	q := `{ me { ...Leafy following { edges { node { following { edges { node { ...Leafy } } } } } } } }
fragment Leafy on Person { name followers { edges { node { id } } } }`
	doc := mustLoad(t, q)
	a := analyse(testSchema, doc, doc.Operations[0], nil)
	if want := naiveDepth(doc.Operations[0].SelectionSet, doc.Fragments, 0); a.depth != want || want != 11 {
		t.Errorf("depth %d, want %d (11)", a.depth, want)
	}
}

// TestAnalysisCycleTerminates: validation rejects fragment cycles, but the
// analysis must not loop on one either.
func TestAnalysisCycleTerminates(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Input: `{ ...A me { ...B } } fragment A on Query { ...A __typename }
fragment B on Person { ...C id } fragment C on Person { ...B name ...Missing }`})
	if err != nil {
		t.Fatal(err)
	}
	a := analyse(testSchema, doc, doc.Operations[0], nil)
	if a.steps != selectionCount(doc) || a.rootFields != 2 || a.depth != 2 {
		t.Errorf("%+v: want %d steps, 2 root fields, depth 2", a, selectionCount(doc))
	}
}

// TestAnalysisMatchesGqlgen: the complexity of ordinary operations is what
// gqlgen's calculator gave with the weights we had before, and the shape
// figures are what the naive walk gave: the limits did not change.
func TestAnalysisMatchesGqlgen(t *testing.T) {
	before := graph.NewExecutableSchema(graph.Config{Complexity: weightsBefore()})
	register := map[string]any{"i": map[string]any{"email": "a@example.com", "password": "password1", "name": "A"}}
	for _, c := range []struct {
		query string
		vars  map[string]any
	}{
		{`{ me { id name interests { name personCount } followers { totalCount edges { cursor node { name } } } } }`, nil},
		{`query($n: Int) { me { following(first: $n) { edges { node { interests { name } wallet { balance transfers(first: 5) { edges { node { amount from { name } } } } } } } } } }`, map[string]any{"n": int64(7)}},
		{`query($n: Int) { me { following(first: $n) { edges { node { id } } } } }`, map[string]any{"n": json.Number("30")}},
		{`query($n: Int = 4) { me { followers(first: $n) { edges { node { id } } } } }`, nil},
		{`{ recommendedPeople { person { name } score sharedInterests { name persons(first: 3) { totalCount } } } }`, nil},
		{`{ recommendedPeople(first: 50) { person { name } } }`, nil},
		{`mutation { login(email: "a@example.com", password: "whatever1") { accessToken person { interests { name } } } }`, nil},
		{`mutation($i: RegisterInput!) { register(input: $i) { accessToken expiresAt } }`, register},
		{`mutation { addInterest(name: "go") { commandId status } follow(personId: "x") { status } }`, nil},
		{`subscription { personEvents(personId: "x") { id at person { name } ... on InterestAdded { interest { name persons { totalCount } } } ... on Followed { followee { following(first: 2) { totalCount } } } } }`, nil},
		{`query { ...Q } fragment Q on Query { me { ...P } person(id: "x") { ...P } } fragment P on Person { name following(first: 3) { edges { node { name } } } }`, nil},
		{`{ interest(name: "go") { persons(first: 100) { edges { cursor node { followers(first: 2) { pageInfo { hasNextPage } } } } } } }`, nil},
		{`{ ledger { totalSupply } commandReceipt(commandId: "x") { status reason } }`, nil},
		{`{ me { followers(first: 100) { edges { node { followers(first: 100) { totalCount } } } } } }`, nil},
		{`{ me { interests(first: 7, orderBy: POPULAR) { name personCount } following(orderBy: NAME) { totalCount } } }`, nil},
	} {
		doc := mustLoad(t, c.query)
		op := doc.Operations[0]
		a := analyse(testSchema, doc, op, c.vars)
		if want := complexity.Calculate(context.Background(), before, op, c.vars); a.complexity != want {
			t.Errorf("%s: complexity %d, gqlgen's calculator %d", c.query, a.complexity, want)
		}
		if want := naiveDepth(op.SelectionSet, doc.Fragments, 0); a.depth != want {
			t.Errorf("%s: depth %d, naive %d", c.query, a.depth, want)
		}
		if want := naiveCount(op.SelectionSet, doc.Fragments); a.rootFields != want {
			t.Errorf("%s: root fields %d, naive %d", c.query, a.rootFields, want)
		}
	}
}

// TestAnalysisClampsPageSize: an out-of-range page size is left to the
// resolver's range check instead of dominating the complexity; saturated
// figures never wrap round.
func TestAnalysisClampsPageSize(t *testing.T) {
	for q, want := range map[string]int{
		`{ me { followers(first: 1000000) { totalCount } } }`: 1 + 1 + 100,
		`{ me { followers(first: 0) { totalCount } } }`:       1 + 1 + 20,
		`{ me { followers(first: -5) { totalCount } } }`:      1 + 1 + 20,
		`{ me { interests(first: 3) { name } } }`:             1 + 1 + 3,
		`{ me { interests(first: 5000) { name } } }`:          1 + 1 + 1000,
		`{ me { interests { name } } }`:                       1 + 1 + 100,
	} {
		doc := mustLoad(t, q)
		if a := analyse(testSchema, doc, doc.Operations[0], nil); a.complexity != want {
			t.Errorf("%s: complexity %d, want %d", q, a.complexity, want)
		}
	}
	doc := mustLoad(t, "query { me { ...F0 } }\n"+chain("Person", 40, 8, "interests { name }"))
	if a := analyse(testSchema, doc, doc.Operations[0], nil); a.complexity != math.MaxInt {
		t.Errorf("8^39 interests: complexity %d, want saturated", a.complexity)
	}
}

// TestAnalysisSignIns: sign-ins count at the mutation root, through
// fragments and aliases.
func TestAnalysisSignIns(t *testing.T) {
	q := `mutation { a: login(email: "a@example.com", password: "whatever1") { accessToken } ...S }
fragment S on Mutation { refreshToken(refreshToken: "r") { accessToken } logout(refreshToken: "r") }`
	doc := mustLoad(t, q)
	if a := analyse(testSchema, doc, doc.Operations[0], nil); a.signIns != 2 || a.rootFields != 3 {
		t.Errorf("%+v: want 2 sign-ins of 3 root fields", a)
	}
}

// naiveDepth and naiveCount are the walks we had before: exponential in
// fragment chains, kept as the reference for the figures' meaning.
func naiveDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, level int) int {
	d := level
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			d = max(d, naiveDepth(s.SelectionSet, frags, level+1), level+1)
		case *ast.InlineFragment:
			d = max(d, naiveDepth(s.SelectionSet, frags, level))
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = max(d, naiveDepth(f.SelectionSet, frags, level))
			}
		}
	}
	return d
}

func naiveCount(set ast.SelectionSet, frags ast.FragmentDefinitionList) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n++
		case *ast.InlineFragment:
			n += naiveCount(s.SelectionSet, frags)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				n += naiveCount(f.SelectionSet, frags)
			}
		}
	}
	return n
}

// weightsBefore are the gqlgen complexity functions the gateway used
// before the analysis, kept as the reference for TestAnalysisMatchesGqlgen.
func weightsBefore() graph.ComplexityRoot {
	var c graph.ComplexityRoot
	page := func(child int, first *int, def int) int {
		n := def
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	c.Person.Followers = func(child int, first *int, _ *string, _ *model.FollowOrder) int { return page(child, first, 20) }
	c.Person.Following = func(child int, first *int, _ *string, _ *model.FollowOrder) int { return page(child, first, 20) }
	c.Person.Interests = func(child int, first *int, _ *model.InterestOrder) int { return page(child, first, 100) }
	c.Wallet.Transfers = func(child int, first *int, _ *string) int { return page(child, first, 20) }
	c.Interest.Persons = func(child int, first *int, _ *string, _ *model.FollowOrder) int { return page(child, first, 20) }
	c.Query.RecommendedPeople = func(child int, first *int) int { return page(child, first, 10) }
	c.PersonRecommendation.SharedInterests = func(child int) int { return 1 + 50*child }
	c.Mutation.Login = func(child int, _ string, _ string) int { return 100 + child }
	c.Mutation.Register = func(child int, _ model.RegisterInput) int { return 100 + child }
	return c
}
