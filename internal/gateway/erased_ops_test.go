package gateway

import (
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/interestgraph/interestgraph/internal/caller"
)

// TestOperationsOfADeletedPersonAreRefused: a socket authenticated before
// its person deleted the account can start nothing more; others can.
func TestOperationsOfADeletedPersonAreRefused(t *testing.T) {
	e := NewErased(time.Hour)
	e.Add("gone")
	mw := refuseErasedOperations(e)
	run := func(person string) (*graphql.Response, bool) {
		called := false
		ctx := context.Background()
		if person != "" {
			ctx = caller.WithIdentity(ctx, caller.Identity{PersonID: person})
		}
		h := mw(ctx, func(context.Context) graphql.ResponseHandler {
			called = true
			return graphql.OneShot(&graphql.Response{})
		})
		return h(ctx), called
	}
	if resp, called := run("gone"); called || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != CodeUnauthenticated {
		t.Fatalf("deleted person: called=%v response %+v", called, resp)
	}
	for _, p := range []string{"alive", ""} {
		if _, called := run(p); !called {
			t.Fatalf("%q was refused", p)
		}
	}
}
