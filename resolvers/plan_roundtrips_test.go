package resolvers_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gateway"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// statementCounter counts every read-model call a person selection can
// make: each is one statement in Neo4j.
type statementCounter struct {
	store.Reader
	n atomic.Int64
}

func (c *statementCounter) PersonsByIDs(ctx context.Context, ids []string) (map[string]store.Person, error) {
	c.n.Add(1)
	return c.Reader.PersonsByIDs(ctx, ids)
}
func (c *statementCounter) InterestsOf(ctx context.Context, ids []string) (map[string][]string, error) {
	c.n.Add(1)
	return c.Reader.InterestsOf(ctx, ids)
}
func (c *statementCounter) RankedInterestsOf(ctx context.Context, ids []string, o store.InterestOrder, first int) (map[string][]store.Interest, error) {
	c.n.Add(1)
	return c.Reader.RankedInterestsOf(ctx, ids, o, first)
}
func (c *statementCounter) InterestsByNames(ctx context.Context, names []string) (map[string]store.Interest, error) {
	c.n.Add(1)
	return c.Reader.InterestsByNames(ctx, names)
}
func (c *statementCounter) Followers(ctx context.Context, ids []string, p store.Page) (map[string]store.PersonPage, error) {
	c.n.Add(1)
	return c.Reader.Followers(ctx, ids, p)
}
func (c *statementCounter) Following(ctx context.Context, ids []string, p store.Page) (map[string]store.PersonPage, error) {
	c.n.Add(1)
	return c.Reader.Following(ctx, ids, p)
}
func (c *statementCounter) ReadPerson(ctx context.Context, id string, plan store.PersonPlan) (*store.PersonRead, error) {
	c.n.Add(1)
	return c.Reader.ReadPerson(ctx, id, plan)
}

// nested is a person selection with interests and counts at every level
// and depth levels of followers (alternating with following) below.
func nested(depth int) string {
	sel := "id name followerCount followingCount interests { name personCount }"
	for d := range depth {
		list := "followers(first: 3)"
		if d%2 == 1 {
			list = "following(first: 3, orderBy: NAME)"
		}
		sel = "id name followerCount interests(first: 5, orderBy: POPULAR) { name personCount } " +
			list + " { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { " + sel + " } } }"
	}
	return sel
}

// TestCompiledReadOneStatementPerRootField: a person selection of any
// depth, with interests and counts at every level, is one statement per
// root field.
func TestCompiledReadOneStatementPerRootField(t *testing.T) {
	st := memory.New()
	ids := make([]string, 6)
	for i := range ids {
		ids[i] = domain.NewID()
		run(t, st, domain.CmdRegisterPerson, ids[i], domain.RegisterPersonPayload{Name: "P", Email: "p@example.com"})
		run(t, st, domain.CmdAddInterest, ids[i], domain.InterestPayload{Interest: "topic " + string(rune('a'+i%3))})
	}
	for i, a := range ids {
		for j, b := range ids {
			if i != j && (i+j)%2 == 1 {
				run(t, st, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
			}
		}
	}
	counter := &statementCounter{Reader: st}
	res, keys := testResolver(t, counter)
	limits := gateway.DefaultLimits
	limits.MaxDepth, limits.MaxComplexity = 100, 1<<40
	srv := httptest.NewServer(gateway.NewHandler(gateway.Config{Limits: limits}, gateway.Deps{Resolvers: res,
		Verifier: keys, Ready: func(context.Context) error { return nil }, Log: res.Log}))
	defer srv.Close()
	tok, _, _ := keys.Issue(ids[0], []string{auth.RoleUser})
	for _, depth := range []int{1, 2, 3, 5} {
		for roots, q := range map[int64]string{
			1: `query($id: ID!) { person(id: $id) { ` + nested(depth) + ` } }`,
			2: `query($id: ID!) { me { ` + nested(depth) + ` } p: person(id: $id) { ` + nested(depth) + ` } }`,
		} {
			counter.n.Store(0)
			raw := post(t, srv.URL, tok, q, map[string]any{"id": ids[1]})
			if strings.Contains(string(raw), `"errors"`) || !strings.Contains(string(raw), "topic") {
				t.Fatalf("depth %d: %s", depth, raw)
			}
			if got := counter.n.Load(); got != roots {
				t.Errorf("depth %d, %d root fields: %d statements, want %d", depth, roots, got, roots)
			}
		}
	}
	// Past the plan's budget of lists, the rest load in one batch.
	var many strings.Builder
	for i := range 70 {
		fmt.Fprintf(&many, " a%d: followers(first: 2) { totalCount edges { node { name } } }", i)
	}
	counter.n.Store(0)
	raw := post(t, srv.URL, tok, `query($id: ID!) { person(id: $id) {`+many.String()+` } }`, map[string]any{"id": ids[1]})
	if strings.Contains(string(raw), `"errors"`) || !strings.Contains(string(raw), `"a69":{"totalCount":3`) {
		t.Fatalf("70 lists: %s", raw)
	}
	if got := counter.n.Load(); got != 2 {
		t.Errorf("70 lists: %d statements, want 2 (64 planned, 6 in one loader batch)", got)
	}
}
