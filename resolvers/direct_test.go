package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gateway"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// directServers serve one application twice: with direct answers (the
// gateway's default) and with every query executed by gqlgen (the
// reference), signing with the same keys, so that a token works on both;
// both allow the depth of five levels of lists. limited is the gateway
// as configured by default (limits included), with direct answers.
type directServers struct {
	fast, slow, limited http.Handler
	keys                *auth.Keys
	erased              *gateway.Erased
}

func newDirectServers(t testing.TB, st store.GraphStore) directServers {
	t.Helper()
	res, keys := testResolver(t, st)
	limits := gateway.DefaultLimits // depth 5 of lists is deeper than the default allows
	limits.MaxDepth, limits.MaxComplexity, limits.MaxTokens = 100, 1<<40, 1<<20
	erased := gateway.NewErased(time.Hour)
	deps := gateway.Deps{Resolvers: res, Verifier: keys,
		Ready: func(context.Context) error { return nil }, Log: res.Log, Erased: erased}
	return directServers{
		fast:    gateway.NewHandler(gateway.Config{Limits: limits}, deps),
		slow:    gateway.NewHandler(gateway.Config{Limits: limits, GQLGenOnly: true}, deps),
		limited: gateway.NewHandler(gateway.Config{}, deps),
		keys:    keys, erased: erased,
	}
}

// serve runs one POST in process and returns its status and body.
func serve(t testing.TB, h http.Handler, token, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// directCounts reads the gateway's count of direct answers and fallbacks.
func directCounts() (direct, fallback float64) {
	const name = "interestgraph_graphql_direct_answers_total"
	return metrics.Read(name, map[string]string{"result": "direct"}), metrics.Read(name, map[string]string{"result": "fallback"})
}

// exchange runs one request on both servers: the fast server's status
// and body, whether it answered directly or fell back, and the
// reference's status and body.
type exchange struct {
	fastCode, slowCode int
	fast, slow         []byte
	direct, fellBack   bool
}

func (s directServers) exchange(t testing.TB, token, query string, vars map[string]any) exchange {
	t.Helper()
	d0, f0 := directCounts()
	var x exchange
	x.fastCode, x.fast = serve(t, s.fast, token, query, vars)
	d1, f1 := directCounts()
	x.slowCode, x.slow = serve(t, s.slow, token, query, vars)
	if d2, f2 := directCounts(); d2 != d1 || f2 != f1 {
		t.Fatalf("the reference server answered directly: %s", query)
	}
	x.direct, x.fellBack = d1-d0 == 1, f1-f0 == 1
	return x
}

// same reports whether the two responses are the same: byte for byte, or,
// when they carry errors (both executed by gqlgen, whose fields resolve
// concurrently), with the errors in one order.
func (x exchange) same(t testing.TB) bool {
	if x.fastCode != x.slowCode {
		return false
	}
	if bytes.Contains(x.slow, []byte(`"errors"`)) {
		return bytes.Equal(canonical(t, x.fast), canonical(t, x.slow))
	}
	return bytes.Equal(x.fast, x.slow)
}

// seedDirectGraph registers persons whose names and bios need escaping,
// with interests, follows (so that five levels of lists have members), a
// block and a deleted person. It returns the persons and the deleted one.
func seedDirectGraph(t testing.TB, st store.GraphStore) (ids []string, deleted string) {
	t.Helper()
	names := []string{`Zoë "Q" <b>&amp;`, `Bob \ backslash`, "Gus 🙂", "Ann", "Dan", "Cal", "Fay", "Hal", "Ida", "Jo\u2028Line"}
	topic := "direct " + testsupport.Letters() + " "
	ids = make([]string, len(names))
	for i, n := range names {
		ids[i] = domain.NewID()
		run(t, st, domain.CmdRegisterPerson, ids[i], domain.RegisterPersonPayload{Name: n, Email: "p@example.com"})
		for j := range i % 5 {
			run(t, st, domain.CmdAddInterest, ids[i], domain.InterestPayload{Interest: topic + []string{"a", "b", "ç", "d", "e"}[j]})
		}
		if i%3 == 0 {
			bio := "line one\nline \"two\" </script>"
			run(t, st, domain.CmdUpdateProfile, ids[i], domain.ProfilePayload{Bio: &bio})
		}
	}
	for i, a := range ids {
		for j, b := range ids {
			if i != j && (i+j)%3 != 0 {
				run(t, st, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
			}
		}
	}
	run(t, st, domain.CmdBlock, ids[8], domain.RelationPayload{PersonID: ids[1]})
	deleted = domain.NewID()
	run(t, st, domain.CmdRegisterPerson, deleted, domain.RegisterPersonPayload{Name: "Gone", Email: "g@example.com"})
	run(t, st, domain.CmdFollow, deleted, domain.FollowPayload{PersonID: ids[0]})
	run(t, st, domain.CmdFollow, ids[0], domain.FollowPayload{PersonID: deleted})
	run(t, st, domain.CmdDeleteAccount, deleted, struct{}{})
	return ids, deleted
}
