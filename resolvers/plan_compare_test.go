package resolvers_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// unplanned answers a compiled read with the person alone, so that every
// field below resolves through the loaders: the read as it was before
// plans, to compare with.
type unplanned struct{ store.Reader }

func (u unplanned) ReadPerson(ctx context.Context, id string, _ store.PersonPlan) (*store.PersonRead, error) {
	m, err := u.PersonsByIDs(ctx, []string{id})
	if p, ok := m[id]; ok && err == nil {
		return &store.PersonRead{Person: p}, nil
	}
	return nil, err
}

// randomPerson writes a random Person selection: counts, interests with
// random arguments, aliased lists with random pages and orders, inline
// fragments, @include/@skip, to the given depth.
func randomPerson(rng *rand.Rand, depth int) string {
	var b strings.Builder
	b.WriteString("id name")
	for _, f := range []string{"followerCount", "followingCount", "email", "registeredAt"} {
		if rng.IntN(2) == 0 {
			b.WriteString(" " + f)
		}
	}
	if rng.IntN(3) > 0 {
		args := []string{"", "(first: 2)", "(orderBy: POPULAR)", "(first: 1, orderBy: NAME)"}[rng.IntN(4)]
		sub := []string{"name", "name personCount"}[rng.IntN(2)]
		fmt.Fprintf(&b, " i%d: interests%s { %s }", rng.IntN(2), args, sub)
	}
	for i := range rng.IntN(3) {
		if depth == 0 {
			break
		}
		kind := []string{"followers", "following"}[rng.IntN(2)]
		order := []string{"", ", orderBy: NEWEST", ", orderBy: OLDEST", ", orderBy: NAME"}[rng.IntN(4)]
		sel := []string{"totalCount", "pageInfo { hasNextPage endCursor }", ""}[rng.IntN(3)]
		node := randomPerson(rng, depth-1)
		if rng.IntN(4) == 0 {
			node = "... on Person { " + node + " }"
		}
		dir := []string{"", " @include(if: true)", " @skip(if: true)"}[rng.IntN(3)]
		fmt.Fprintf(&b, " l%d: %s(first: %d%s)%s { %s edges { cursor node { %s } } }", i, kind, 1+rng.IntN(4), order, dir, sel, node)
	}
	return b.String()
}

// TestCompiledReadMatchesLoaders: random selections read the same through
// a compiled plan as through the loaders, errors included.
func TestCompiledReadMatchesLoaders(t *testing.T) {
	st := memory.New()
	names := []string{"Eve", "Bob", "Gus", "Ann", "Dan", "Cal", "Fay", "Hal"}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = domain.NewID()
		run(t, st, domain.CmdRegisterPerson, ids[i], domain.RegisterPersonPayload{Name: n, Email: "p@example.com"})
		for j := range i % 4 {
			run(t, st, domain.CmdAddInterest, ids[i], domain.InterestPayload{Interest: "topic " + string(rune('a'+j))})
		}
	}
	for i, a := range ids {
		for j, b := range ids {
			if i != j && (i*j+i)%3 != 0 {
				run(t, st, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
			}
		}
	}
	// Anonymous reads: the two servers sign with different keys, and
	// private fields then read null alike.
	planned, _, _ := readServer(t, st, st)
	loaded, _, _ := readServer(t, st, unplanned{st})
	rng := rand.New(rand.NewPCG(12, 0))
	nested := 0 // reads with a list, without errors: what the test is about
	for i := range 64 {
		q := `query($id: ID!) { person(id: $id) { ` + randomPerson(rng, 1+i%4) + ` } }`
		if i%16 == 0 { // bad arguments deep down: the same errors, in the same places
			q = `query($id: ID!) { person(id: $id) { following(first: 2) { edges { node { name interests(first: 0) { name }
				followers(first: 101) { totalCount } f: followers(after: "!!") { totalCount } } } } } }`
		}
		vars := map[string]any{"id": ids[i%len(ids)]}
		got, want := post(t, planned, "", q, vars), post(t, loaded, "", q, vars)
		if !bytes.Equal(got, want) {
			t.Fatalf("%s\ncompiled: %s\n  loaded: %s", q, got, want)
		}
		if bytes.Contains(got, []byte(`"cursor"`)) && !bytes.Contains(got, []byte(`"errors"`)) {
			nested++
		}
	}
	if nested < 20 {
		t.Errorf("only %d of 64 random reads had a list and no error", nested)
	}
}
