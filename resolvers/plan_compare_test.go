package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/store/neo4jtest"
	"github.com/interestgraph/interestgraph/internal/testsupport"
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
	for i := range 1 + rng.IntN(2) {
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
// a compiled plan as through the loaders, errors included, on both stores.
func TestCompiledReadMatchesLoaders(t *testing.T) {
	onBothStores(t, 64, 16, compareReads)
}

// onBothStores runs compare with reads random reads on the memory store,
// and with neoReads on the real Neo4j (a real round trip each: fewer, for
// the time of the suite).
func onBothStores(t *testing.T, reads, neoReads int, compare func(*testing.T, store.GraphStore, int)) {
	t.Run("memory", func(t *testing.T) { compare(t, memory.New(), reads) })
	t.Run("neo4j", func(t *testing.T) { compare(t, neo4jtest.Open(t), neoReads) })
}

func compareReads(t *testing.T, st store.GraphStore, reads int) {
	names := []string{"Eve", "Bob", "Gus", "Ann", "Dan", "Cal", "Fay", "Hal"}
	topic := "compare " + testsupport.Letters() + " "
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = domain.NewID()
		run(t, st, domain.CmdRegisterPerson, ids[i], domain.RegisterPersonPayload{Name: n, Email: "p@example.com"})
		for j := range i % 4 {
			run(t, st, domain.CmdAddInterest, ids[i], domain.InterestPayload{Interest: topic + string(rune('a'+j))})
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
	for i := range reads {
		q := `query($id: ID!) { person(id: $id) { ` + randomPerson(rng, 1+i%4) + ` } }`
		if i%16 == 5 { // bad arguments deep down: the same errors, in the same places
			q = `query($id: ID!) { person(id: $id) { following(first: 2) { edges { node { name interests(first: 0) { name }
				followers(first: 101) { totalCount } f: followers(after: "!!") { totalCount } } } } } }`
		}
		vars := map[string]any{"id": ids[i%len(ids)]}
		got, want := canonical(t, post(t, planned, "", q, vars)), canonical(t, post(t, loaded, "", q, vars))
		if !bytes.Equal(got, want) {
			t.Fatalf("%s\ncompiled: %s\n  loaded: %s", q, got, want)
		}
		if bytes.Contains(got, []byte(`"cursor"`)) && !bytes.Contains(got, []byte(`"errors"`)) {
			nested++
		}
	}
	if nested < reads/3 {
		t.Errorf("only %d of %d random reads had a list and no error", nested, reads)
	}
}

// canonical re-encodes a response with its errors sorted: fields resolve
// concurrently, so errors come in any order.
func canonical(t testing.TB, raw []byte) []byte {
	t.Helper()
	var res map[string]any
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if errs, ok := res["errors"].([]any); ok {
		key := func(e any) string { b, _ := json.Marshal(e); return string(b) }
		sort.Slice(errs, func(i, j int) bool { return key(errs[i]) < key(errs[j]) })
	}
	out, _ := json.Marshal(res)
	return out
}
