package resolvers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/gateway"
	"github.com/interestgraph/interestgraph/internal/store"
)

// TestPlannedReadsKeepTheProfile: a plan skips a person's email,
// registeredAt, bio and balance unless the selection names one of them
// (store.PersonPlan.SkipProfile); named, at the root or in a list, an
// admin sees each the same through the plan as through the loaders, which
// read whole persons. A profile field missing from the plan's list would
// read empty here.
func TestPlannedReadsKeepTheProfile(t *testing.T) {
	onBothStores(t, 0, 0, func(t *testing.T, st store.GraphStore, _ int) {
		ids, _ := seedDirectGraph(t, st)
		planned, loaded := adminServer(t, st), adminServer(t, unplanned{st})
		for _, f := range []struct{ sel, filled string }{
			{"email", `"email":"`}, {"registeredAt", `"registeredAt":"`},
			{"bio", `"bio":"`}, {"wallet { balance }", `"wallet":{"balance":`},
		} {
			q := fmt.Sprintf(`query($id: ID!) { person(id: $id) { id %s following(first: 5, orderBy: NAME) { edges { node { id %s } } } } }`, f.sel, f.sel)
			root := regexp.MustCompile(`"person":\{"id":"[^"]+",` + regexp.QuoteMeta(f.filled))
			member := regexp.MustCompile(`"node":\{"id":"[^"]+",` + regexp.QuoteMeta(f.filled))
			roots, members := 0, 0
			for _, id := range ids[:4] {
				got, want := planned.read(t, q, id), loaded.read(t, q, id)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s of %s\n planned: %s\n  loaded: %s", f.sel, id, got, want)
				}
				roots, members = roots+len(root.FindAll(got, -1)), members+len(member.FindAll(got, -1))
			}
			if roots == 0 || members == 0 {
				t.Fatalf("%s: shown for %d roots and %d followed persons: the comparison proves nothing", f.sel, roots, members)
			}
		}
	})
}

type tokenServer struct {
	h     http.Handler
	token string
}

// adminServer is a gateway over reader with an admin's token, who may see
// every person's private fields.
func adminServer(t *testing.T, reader store.Reader) tokenServer {
	res, keys := testResolver(t, reader)
	h := gateway.NewHandler(gateway.Config{}, gateway.Deps{Resolvers: res, Verifier: keys,
		Ready: func(context.Context) error { return nil }, Log: res.Log})
	tok, _, err := keys.Issue("01a24900-0000-7000-8000-000000000000", []string{auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	return tokenServer{h: h, token: tok}
}

func (s tokenServer) read(t *testing.T, q, id string) []byte {
	t.Helper()
	code, body := serve(t, s.h, s.token, q, map[string]any{"id": id})
	if code != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
		t.Fatalf("%d %s", code, body)
	}
	return body
}
