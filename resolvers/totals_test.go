package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gateway"
	"github.com/interestgraph/interestgraph/internal/hub"
	"github.com/interestgraph/interestgraph/internal/identity"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/resolvers"
)

// pageRecorder remembers the pages the resolvers ask for.
type pageRecorder struct {
	store.Reader
	mu    sync.Mutex
	pages []store.Page
}

func (p *pageRecorder) Followers(ctx context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	p.mu.Lock()
	p.pages = append(p.pages, pg)
	p.mu.Unlock()
	return p.Reader.Followers(ctx, ids, pg)
}

func (p *pageRecorder) InterestPersons(ctx context.Context, names []string, pg store.Page) (map[string]store.PersonPage, error) {
	p.mu.Lock()
	p.pages = append(p.pages, pg)
	p.mu.Unlock()
	return p.Reader.InterestPersons(ctx, names, pg)
}

// ReadPerson records the pages of a compiled read's lists.
func (p *pageRecorder) ReadPerson(ctx context.Context, id string, plan store.PersonPlan) (*store.PersonRead, error) {
	p.mu.Lock()
	for _, l := range plan.Lists {
		p.pages = append(p.pages, l.Page)
	}
	p.mu.Unlock()
	return p.Reader.ReadPerson(ctx, id, plan)
}

// readServer serves the gateway over reader with one registered person,
// whose id and token it returns.
func readServer(t *testing.T, st store.GraphStore, reader store.Reader) (url, id, token string) {
	t.Helper()
	id = domain.NewID()
	cmd, _ := domain.NewCommand(domain.CmdRegisterPerson, id, domain.RegisterPersonPayload{Name: "Me", Email: "me@example.com"}, time.Now())
	if _, _, err := st.Execute(context.Background(), cmd, domain.Decide); err != nil {
		t.Fatal(err)
	}
	res, keys := testResolver(t, reader)
	h := gateway.NewHandler(gateway.Config{}, gateway.Deps{Resolvers: res,
		Verifier: keys, Ready: func(context.Context) error { return nil }, Log: res.Log})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	token, _, _ = keys.Issue(id, []string{auth.RoleUser})
	return srv.URL, id, token
}

// testResolver builds the application over reader, and the keys that
// sign its tokens.
func testResolver(t testing.TB, reader store.Reader) (*resolvers.Resolver, *auth.Keys) {
	t.Helper()
	return testResolverWith(t, reader, hub.New(0, slog.New(slog.NewTextHandler(io.Discard, nil))))
}

// testResolverWith is testResolver with the subscriptions streamed by
// streams.
func testResolverWith(t testing.TB, reader store.Reader, streams app.Streams) (*resolvers.Resolver, *auth.Keys) {
	t.Helper()
	keys, _ := auth.NewKeys(auth.KeyConfig{Issuer: "i", Audience: "a", TTL: time.Hour})
	ids, _ := identity.New(identity.Config{}, memory.NewIdentity(), keys, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(app.Config{}, noBus{}, app.NewWaiter(), reader, ids, streams)
	if err != nil {
		t.Fatal(err)
	}
	return &resolvers.Resolver{App: a, Log: log}, keys
}

// post runs one query and returns its raw response.
func post(t *testing.T, url, token, query string, vars map[string]any) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return raw
}

// TestTotalCountOnlyWhenSelected: a connection read without totalCount
// (directly, through a fragment, or skipped) asks the store not to count,
// in a compiled read (person) and through the loaders (interest).
func TestTotalCountOnlyWhenSelected(t *testing.T) {
	st := memory.New()
	rec := &pageRecorder{Reader: st}
	url, me, tok := readServer(t, st, rec)
	run(t, st, domain.CmdAddInterest, me, domain.InterestPayload{Interest: "go"})
	for query, skip := range map[string]bool{
		`query($id: ID!) { interest(name: "go") { persons(first: 5) { edges { cursor } } } person(id: $id) { id } }`:          true,
		`query($id: ID!) { interest(name: "go") { persons(first: 5) { totalCount } } person(id: $id) { id } }`:                false,
		`query($id: ID!) { person(id: $id) { followers(first: 5) { edges { cursor } } } }`:                                    true,
		`query($id: ID!) { person(id: $id) { followers(first: 5) { totalCount } } }`:                                          false,
		`query($id: ID!) { person(id: $id) { followers(first: 5) { ...T } } } fragment T on PersonConnection { totalCount }`:  false,
		`query($id: ID!) { person(id: $id) { followers(first: 5) { totalCount @skip(if: true) pageInfo { hasNextPage } } } }`: true,
	} {
		rec.mu.Lock()
		rec.pages = nil
		rec.mu.Unlock()
		if raw := post(t, url, tok, query, map[string]any{"id": me}); bytes.Contains(raw, []byte(`"errors"`)) {
			t.Fatalf("%s: %s", query, raw)
		}
		rec.mu.Lock()
		got := rec.pages
		rec.mu.Unlock()
		if len(got) != 1 || got[0].SkipTotal != skip {
			t.Errorf("%s: pages %+v, want one with SkipTotal %v", query, got, skip)
		}
	}
}
