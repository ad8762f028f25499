package resolvers_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// selectionGen writes random operations of person and me over the
// schema: every Person field, aliases, named and inline fragments,
// @skip/@include with literals and variables, arguments given, defaulted
// and from variables, fields selected twice, a list's edges under two
// keys. It keeps track of whether a direct answer should take the
// operation: a field it writes that no plan covers, or arguments that
// make an error, clear direct unless a directive drops them.
type selectionGen struct {
	rng    *rand.Rand
	budget int // lists a plan may still take (the planner takes 64; uncovered fields may take a few)
	n      int // for unique aliases and fragment names
	frags  []string
	vars   map[string]bool // variables used
	direct bool
}

// part writes one selection; live is false inside a part a directive
// drops.
type part func(live bool) string

func newSelectionGen(rng *rand.Rand) *selectionGen {
	return &selectionGen{rng: rng, budget: 60, vars: map[string]bool{}, direct: true}
}

func (g *selectionGen) one(of ...string) string { return of[g.rng.IntN(len(of))] }
func (g *selectionGen) chance(n int) bool       { return g.rng.IntN(n) == 0 }

func (g *selectionGen) alias() string {
	g.n++
	return fmt.Sprintf("a%d: ", g.n)
}

// maybeAlias aliases a field without arguments now and then (fields with
// arguments always get an alias of their own, so that no two conflict).
func (g *selectionGen) maybeAlias() string {
	if g.chance(4) {
		return g.alias()
	}
	return ""
}

func lit(s string) part { return func(bool) string { return s } }

// directive returns a @skip/@include and whether it keeps the part.
func (g *selectionGen) directive() (string, bool) {
	switch g.rng.IntN(8) {
	case 0:
		return " @include(if: true)", true
	case 1:
		return " @skip(if: true)", false
	case 2:
		g.vars["yes"] = true
		return " @include(if: $yes)", true
	case 3:
		g.vars["no"] = true
		return " @skip(if: $no)", true
	case 4:
		g.vars["no"] = true
		return " @include(if: $no)", false
	}
	return "", true
}

// operation writes a whole document: its roots, the variables they use
// and the fragments they spread.
func (g *selectionGen) operation(depth int) (doc string, usesMe bool) {
	var roots []string
	switch g.rng.IntN(6) {
	case 0:
		usesMe = true
		roots = append(roots, g.maybeAlias()+"me { "+g.person(depth, true)+" }")
	case 1:
		usesMe = true
		roots = append(roots, g.alias()+"me { "+g.person(depth, true)+" }", g.alias()+"person(id: $id) { "+g.person(depth, true)+" }")
		g.vars["id"] = true
	default:
		roots = append(roots, g.maybeAlias()+"person(id: $id) { "+g.person(depth, true)+" }")
		g.vars["id"] = true
	}
	if g.chance(4) {
		roots = append(roots, g.maybeAlias()+"__typename")
	}
	g.rng.Shuffle(len(roots), func(i, j int) { roots[i], roots[j] = roots[j], roots[i] })
	var decl []string
	types := map[string]string{"id": "ID!", "yes": "Boolean!", "no": "Boolean!", "n": "Int", "order": "FollowOrder", "iorder": "InterestOrder"}
	for _, v := range []string{"id", "yes", "no", "n", "order", "iorder"} {
		if g.vars[v] {
			decl = append(decl, "$"+v+": "+types[v])
		}
	}
	head := "query"
	if len(decl) > 0 {
		head += "(" + strings.Join(decl, ", ") + ")"
	}
	return head + " { " + strings.Join(roots, " ") + " }\n" + strings.Join(g.frags, "\n"), usesMe
}

// person writes a Person selection with depth levels of lists below.
func (g *selectionGen) person(depth int, live bool) string {
	parts := []part{lit("id")}
	for _, f := range []string{"name", "email", "registeredAt", "bio", "followerCount", "followingCount", "__typename"} {
		if g.chance(2) {
			parts = append(parts, lit(g.maybeAlias()+f))
		}
	}
	if g.chance(6) {
		parts = append(parts, lit("name")) // selected twice: merged
	}
	if g.chance(5) {
		parts = append(parts, lit(g.maybeAlias()+"wallet { balance"+g.one("", " __typename")+" }"))
	}
	for range g.rng.IntN(3) {
		if g.budget > 0 {
			g.budget--
			parts = append(parts, g.interests)
		}
	}
	for range g.lists(depth) {
		if g.budget > 0 {
			g.budget--
			parts = append(parts, func(live bool) string { return g.list(depth, live) })
		}
	}
	if g.chance(12) {
		parts = append(parts, g.uncovered)
	}
	return g.group(parts, "Person", live)
}

// lists is how many lists to select at a level with depth levels to go.
func (g *selectionGen) lists(depth int) int {
	switch {
	case depth == 0:
		return 0
	case g.chance(4):
		return 2
	}
	return 1
}

// group writes parts shuffled, runs of them in inline fragments, in
// named fragments or under directives now and then.
func (g *selectionGen) group(parts []part, typ string, live bool) string {
	g.rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	var out []string
	for len(parts) > 0 {
		k := 1 + g.rng.IntN(min(3, len(parts)))
		run := parts[:k]
		parts = parts[k:]
		wrap := g.rng.IntN(5)
		dir, keep := "", true
		if wrap < 3 {
			dir, keep = g.directive()
		}
		var sub []string
		for _, p := range run {
			sub = append(sub, p(live && keep))
		}
		body := strings.Join(sub, " ")
		switch wrap {
		case 0:
			out = append(out, "... on "+typ+dir+" { "+body+" }")
		case 1:
			out = append(out, "..."+dir+" { "+body+" }")
		case 2:
			g.n++
			name := fmt.Sprintf("F%d", g.n)
			g.frags = append(g.frags, "fragment "+name+" on "+typ+" { "+body+" }")
			out = append(out, "..."+name+dir)
		default:
			out = append(out, body)
		}
	}
	return strings.Join(out, " ")
}

// interests writes an interests field with random arguments and
// selection.
func (g *selectionGen) interests(bool) string {
	args := g.one("", "(first: 2)", "(orderBy: POPULAR)", "(first: 1, orderBy: NAME)", "(first: $n)", "(orderBy: $iorder)")
	switch args {
	case "(first: $n)":
		g.vars["n"] = true
	case "(orderBy: $iorder)":
		g.vars["iorder"] = true
	}
	name := ""
	if args != "" {
		name = g.alias()
	}
	return name + "interests" + args + " { " + g.one("name", "personCount", "name personCount", "personCount name", "__typename name") + " }"
}

// list writes a followers or following connection whose nodes have
// depth-1 levels of lists below.
func (g *selectionGen) list(depth int, live bool) string {
	kind := g.one("followers", "following")
	var args []string
	if g.chance(4) {
		args = append(args, "first: $n")
		g.vars["n"] = true
	} else if !g.chance(5) {
		args = append(args, fmt.Sprintf("first: %d", 1+g.rng.IntN(4)))
	}
	switch g.rng.IntN(6) {
	case 0:
		args = append(args, "orderBy: $order")
		g.vars["order"] = true
	case 1, 2:
		args = append(args, "orderBy: "+g.one("NEWEST", "OLDEST", "NAME"))
	}
	node := func(live bool) string {
		return "edges { " + g.one("", "cursor ", "__typename ") + "node { " + g.person(depth-1, live) + " } }"
	}
	parts := []part{node}
	if g.chance(2) {
		parts = append(parts, lit("totalCount"))
	}
	if g.chance(3) {
		parts = append(parts, lit("pageInfo { "+g.one("hasNextPage", "endCursor", "hasNextPage endCursor", "__typename endCursor")+" }"))
	}
	if g.chance(8) {
		parts = append(parts, lit("__typename"))
	}
	if g.chance(6) {
		parts = append(parts, lit(g.alias()+"edges { cursor }"))
	}
	head := kind
	if len(args) > 0 || g.chance(2) {
		head = g.alias() + kind
	}
	if len(args) > 0 {
		head += "(" + strings.Join(args, ", ") + ")"
	}
	return head + " { " + g.group(parts, "PersonConnection", live) + " }"
}

// uncovered writes a field no plan covers, or arguments that make an
// error: a direct answer leaves the operation to gqlgen.
func (g *selectionGen) uncovered(live bool) string {
	if live {
		g.direct = false
	}
	return g.alias() + g.one(
		"relationship { following }",
		"mutuals(first: 2) { totalCount }",
		"followersYouKnow { totalCount }",
		"interests { persons(first: 1) { totalCount } }",
		"interests(first: 0) { name }",
		"followers(first: 101) { totalCount }",
		`following(after: "!!") { totalCount }`,
		"wallet { transfers { totalCount } }",
		"followers(first: 2) { edges { node { id } } e2: edges { node { name } } }",
	)
}
