package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/introspection"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gateway"
	"github.com/interestgraph/interestgraph/internal/hub"
	"github.com/interestgraph/interestgraph/internal/identity"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/resolvers"
)

type noBus struct{}

func (noBus) SendCommand(context.Context, domain.Command) error { return nil }

// testGateway serves the real handler over the in-memory store, with one
// registered person and an access token for them.
func testGateway(t *testing.T) (url, token string) {
	t.Helper()
	st := memory.New()
	me := domain.NewID()
	cmd, _ := domain.NewCommand(domain.CmdRegisterPerson, me, domain.RegisterPersonPayload{Name: "Me", Email: "me@example.com"}, time.Now())
	if out, _, err := st.Execute(context.Background(), cmd, domain.Decide); err != nil || out.Status != domain.StatusApplied {
		t.Fatalf("register: %+v %v", out, err)
	}
	keys, err := auth.NewKeys(auth.KeyConfig{Issuer: "i", Audience: "a", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := identity.New(identity.Config{}, st.Identity(), keys, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(app.Config{}, noBus{}, app.NewWaiter(), st, ids, hub.New(0, log))
	if err != nil {
		t.Fatal(err)
	}
	h := gateway.NewHandler(gateway.Config{Introspection: true}, gateway.Deps{Resolvers: &resolvers.Resolver{App: a, Log: log},
		Verifier: keys, Ready: func(context.Context) error { return nil }, Log: log})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tok, _, err := keys.Issue(me, []string{auth.RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	return srv.URL + "/graphql", tok
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func post(t *testing.T, url, token, query string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	return r
}

// fragmentChain is the attack of issue #9: n fragments on typ, each
// spreading the next one `spreads` times, the last one selecting leaf.
// Expanded, it has spreads^(n-1) copies of leaf.
func fragmentChain(typ string, n, spreads int, leaf string) string {
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

// TestFragmentExpansionAnsweredQuickly: 24 fragments each spreading the
// next twice (about 1 KB, 2^23 fields once expanded) took seconds of CPU
// before the analysis was memoised per fragment.
func TestFragmentExpansionAnsweredQuickly(t *testing.T) {
	url, tok := testGateway(t)
	for name, q := range map[string]string{
		"on Query":  "query { ...F0 }\n" + fragmentChain("Query", 24, 2, "__typename"),
		"on Person": "query { me { ...F0 } }\n" + fragmentChain("Person", 24, 2, "id"),
	} {
		start := time.Now()
		r := post(t, url, tok, q)
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: answered after %v, want well under a second", name, took)
		}
		if r.code() != gateway.CodeTooComplex {
			t.Errorf("%s: code %q, want %s (%+v)", name, r.code(), gateway.CodeTooComplex, r.Errors)
		}
	}
}

// TestPageSizeOutOfRangeIsBadInput: a page size out of range is the
// resolver's range error, not a complexity figure of a million.
func TestPageSizeOutOfRangeIsBadInput(t *testing.T) {
	url, tok := testGateway(t)
	for _, q := range []string{
		`{ me { followers(first: 1000000) { totalCount } } }`,
		`{ me { following(first: 2147483647) { totalCount } } }`,
		`{ recommendedPeople(first: 1000000) { score } }`,
	} {
		if r := post(t, url, tok, q); r.code() != gateway.CodeBadUserInput {
			t.Errorf("%s: code %q, want %s (%+v)", q, r.code(), gateway.CodeBadUserInput, r.Errors)
		}
	}
	// Within range, the limits still hold.
	q := `{ me { followers(first: 100) { edges { node { followers(first: 100) { totalCount } } } } } }`
	if r := post(t, url, tok, q); r.code() != gateway.CodeTooComplex {
		t.Errorf("100×100: code %q, want %s", r.code(), gateway.CodeTooComplex)
	}
}

// TestIntrospectionCannotBeMultiplied: introspection is free in the
// complexity figure so that the playground's full introspection query
// passes, and so aliases inside it are refused: 20 aliases at each of three
// levels would otherwise answer 20³ copies of the schema (megabytes from a
// 1 KB anonymous request).
func TestIntrospectionCannotBeMultiplied(t *testing.T) {
	url, _ := testGateway(t)
	if r := post(t, url, "", introspection.Query); len(r.Errors) > 0 {
		t.Fatalf("the full introspection query: %+v", r.Errors)
	}
	var aliases func(prefix, sel string, n int) string
	aliases = func(prefix, sel string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%s%d: %s ", prefix, i, sel)
		}
		return b.String()
	}
	for name, q := range map[string]string{
		"fragments": "query{__schema{...S}} fragment S on __Schema{" + aliases("t", "types{...T}", 20) + "} fragment T on __Type{" +
			aliases("f", "fields{...F}", 20) + "} fragment F on __Field{" + aliases("n", "name", 20) + "}",
		"inline": "{__type(name: \"Query\"){" + aliases("f", "fields{name}", 20) + "}}",
		"nested": "{__schema{types{name x: name}}}",
	} {
		start := time.Now()
		r := post(t, url, "", q)
		if r.code() != gateway.CodeTooComplex || time.Since(start) > time.Second {
			t.Errorf("%s: code %q after %v, want %s at once", name, r.code(), time.Since(start), gateway.CodeTooComplex)
		}
	}
	// Aliases outside introspection, and on the introspection root field
	// itself, are ordinary.
	if r := post(t, url, "", `{ q: __type(name: "Query") { name } t: __typename }`); len(r.Errors) > 0 {
		t.Fatalf("aliased __type: %+v", r.Errors)
	}
}

// TestRepeatedFieldsAreRefusedBeforeValidation: validation compares fields
// that share a response name pairwise, so 9,000 copies of one field cost
// seconds before any limit of ours saw the document. The selection cap
// answers first.
func TestRepeatedFieldsAreRefusedBeforeValidation(t *testing.T) {
	url, tok := testGateway(t)
	for name, q := range map[string]string{
		"me.id":         "{ me { " + strings.Repeat("id ", 9000) + "} }",
		"interest.name": `{ interest(name: "go") { ` + strings.Repeat("name ", 9000) + "} }",
		"in fragments":  "{ me { ...A } } fragment A on Person { " + strings.Repeat("id ", 600) + " ...B } fragment B on Person { " + strings.Repeat("name ", 600) + " }",
	} {
		for round := range 2 { // a refused document is not remembered as validated
			start := time.Now()
			r := post(t, url, tok, q)
			if took := time.Since(start); r.code() != gateway.CodeTooComplex || took > 300*time.Millisecond {
				t.Errorf("%s, round %d: code %q after %v, want %s at once", name, round, r.code(), took, gateway.CodeTooComplex)
			}
		}
	}
	// The full introspection query is far below the cap.
	if r := post(t, url, "", introspection.Query); len(r.Errors) > 0 {
		t.Fatalf("introspection: %+v", r.Errors)
	}
}
