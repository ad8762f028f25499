package resolvers_test

import (
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// benchReads are the reads of the benchmark (bench/reads.go) that person
// answers, and the nested read of the round-trip test.
var benchReads = map[string]string{
	"person by id":       `query($id: ID!) { person(id: $id) { id name } }`,
	"person → interests": `query($id: ID!) { person(id: $id) { id name interests { name } } }`,
	"person → following → interests": `query($id: ID!) { person(id: $id) { id name following(first: 20, orderBy: NAME) {
		edges { node { id name interests { name } } } } } }`,
	"depth 5: following ×4 → interests": `query($id: ID!) { person(id: $id) { id name ` + following(4, "interests { name }") + ` } }`,
	"depth 5 with counts":               `query($id: ID!) { person(id: $id) { ` + nested(5) + ` } }`,
}

// following nests n levels of the first three persons followed, by name,
// with leaf at the bottom (bench/reads.go's oursFollowing).
func following(n int, leaf string) string {
	if n == 0 {
		return leaf
	}
	return `following(first: 3, orderBy: NAME) { edges { node { id name ` + following(n-1, leaf) + ` } } }`
}

// TestDirectAnswerTakesTheBenchmarkReads: the benchmark's reads are
// answered directly, as gqlgen answers them; an operation with an error
// or a null person, or one that is not of compiled reads, is executed by
// gqlgen, with the response it had before.
func TestDirectAnswerTakesTheBenchmarkReads(t *testing.T) {
	st := memory.New()
	ids, deleted := seedDirectGraph(t, st)
	srv := newDirectServers(t, st)
	for name, q := range benchReads {
		x := srv.exchange(t, "", q, map[string]any{"id": ids[3]})
		holds := "name" // what a read with data shows
		if strings.Contains(q, "interests") {
			holds = "direct "
		}
		if strings.Contains(q, "following") {
			holds = `"node":{`
		}
		if !x.direct || x.fellBack || !x.same(t) || !strings.Contains(string(x.fast), holds) {
			t.Errorf("%s: direct %v, fallback %v\n  direct: %s\n  gqlgen: %s", name, x.direct, x.fellBack, x.fast, x.slow)
		}
	}
	tok, _, _ := srv.keys.Issue(ids[0], []string{auth.RoleUser})
	for name, c := range map[string]struct {
		token, query, id, want string
	}{
		"unknown person":  {"", benchReads["person by id"], domain.NewID(), `{"data":{"person":null}}`},
		"deleted person":  {"", benchReads["person by id"], deleted, `{"data":{"person":null}}`},
		"invalid id":      {"", benchReads["person → interests"], "not an id", `"BAD_USER_INPUT"`},
		"me signed out":   {"", `{ me { id } }`, "", `{"data":{"me":null}}`},
		"bad page":        {tok, `query($id: ID!) { person(id: $id) { followers(first: 0) { totalCount } } }`, ids[1], `"BAD_USER_INPUT"`},
		"unplanned field": {tok, `query($id: ID!) { person(id: $id) { relationship { following } } }`, ids[1], `{"data":{"person":{"relationship":{"following":true}}}}`},
	} {
		vars := map[string]any{"id": c.id}
		if c.id == "" {
			vars = nil
		}
		x := srv.exchange(t, c.token, c.query, vars)
		if x.direct || !x.fellBack || !x.same(t) || !strings.Contains(string(x.fast), c.want) {
			t.Errorf("%s: direct %v, fallback %v\n  direct: %s\n  gqlgen: %s", name, x.direct, x.fellBack, x.fast, x.slow)
		}
	}
	for name, q := range map[string]string{
		"another root":  `query($id: ID!) { person(id: $id) { id } interest(name: "x") { name } }`,
		"introspection": `{ __schema { queryType { name } } }`,
		"mutation":      `mutation { follow(personId: "x") { status } }`,
		"typename only": `{ __typename }`,
	} {
		x := srv.exchange(t, tok, q, map[string]any{"id": ids[1]})
		if x.direct || x.fellBack || !x.same(t) {
			t.Errorf("%s: direct %v, fallback %v\n  direct: %s\n  gqlgen: %s", name, x.direct, x.fellBack, x.fast, x.slow)
		}
	}
}
