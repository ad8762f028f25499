package resolvers_test

import (
	"math/rand/v2"
	"testing"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/store"
)

// TestDirectAnswersMatchGQLGen: random operations of person and me, at
// depths 1 to 5 (aliases, named and inline fragments, @skip/@include
// with literals and variables, arguments defaulted and from variables,
// private fields for anonymous callers, the person themself, another
// person and an admin), answer byte for byte as gqlgen's execution of
// the same request does, on both stores; and the direct answer is taken
// exactly when the operation holds nothing it leaves to gqlgen.
func TestDirectAnswersMatchGQLGen(t *testing.T) {
	onBothStores(t, 300, 60, compareDirect)
}

func compareDirect(t *testing.T, st store.GraphStore, reads int) {
	ids, deleted := seedDirectGraph(t, st)
	srv := newDirectServers(t, st)
	viewers := []string{""}
	for _, v := range []struct {
		id   string
		role string
	}{{ids[0], auth.RoleUser}, {ids[4], auth.RoleUser}, {ids[6], auth.RoleAdmin}} {
		tok, _, err := srv.keys.Issue(v.id, []string{v.role})
		if err != nil {
			t.Fatal(err)
		}
		viewers = append(viewers, tok)
	}
	values := map[string]any{"yes": true, "no": false, "n": 2, "order": "NAME", "iorder": "POPULAR"}
	rng := rand.New(rand.NewPCG(12, 5))
	direct := 0
	for i := range reads {
		g := newSelectionGen(rng)
		q, usesMe := g.operation(1 + i%5)
		id := ids[rng.IntN(len(ids))]
		if i%25 == 7 {
			id = deleted
		}
		vars := map[string]any{}
		for v := range g.vars {
			vars[v] = values[v]
		}
		if g.vars["id"] {
			vars["id"] = id
		}
		tok := viewers[i%len(viewers)]
		x := srv.exchange(t, tok, q, vars)
		if !x.same(t) {
			t.Fatalf("%s\n%v\n  direct: %d %s\n  gqlgen: %d %s", q, vars, x.fastCode, x.fast, x.slowCode, x.slow)
		}
		want := g.direct && !(usesMe && tok == "") && !(g.vars["id"] && id == deleted)
		if x.direct != want || x.fellBack == want {
			t.Fatalf("%s\n%v\ndirect answer %v, fallback %v; want a direct answer: %v\n%s", q, vars, x.direct, x.fellBack, want, x.fast)
		}
		if x.direct {
			direct++
		}
	}
	if direct < reads/2 {
		t.Errorf("only %d of %d random reads were answered directly", direct, reads)
	}
	t.Logf("%d of %d random reads answered directly", direct, reads)
}
