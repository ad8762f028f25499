package resolvers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// TestDirectAnswersKeepTheGatewayExtensions: a direct answer comes after
// the limits and the erased-person refusal, within the operation's span
// and its request metrics, and over every HTTP way in (GET, APQ).
func TestDirectAnswersKeepTheGatewayExtensions(t *testing.T) {
	st := memory.New()
	ids, _ := seedDirectGraph(t, st)
	srv := newDirectServers(t, st)
	vars := map[string]any{"id": ids[3]}
	deep := benchReads["depth 5: following ×4 → interests"]
	check := func(name string, h http.Handler, req *http.Request, wantDirect bool, want string) []byte {
		t.Helper()
		d0, _ := directCounts()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		d1, _ := directCounts()
		if (d1-d0 == 1) != wantDirect || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: direct answers +%v (want %v): %d %s", name, d1-d0, wantDirect, rec.Code, rec.Body.Bytes())
		}
		return rec.Body.Bytes()
	}

	// The limits refuse first: the default depth limit is below five levels.
	check("over the depth limit", srv.limited, postRequest(deep, vars, nil), false, "COMPLEXITY_LIMIT_EXCEEDED")
	check("within the limits", srv.limited, postRequest(benchReads["person → interests"], vars, nil), true, `"person":{`)

	// A token of a person deleted since it was verified: refused.
	gone, _, _ := srv.keys.Issue(ids[5], []string{auth.RoleUser})
	srv.erased.Add(ids[5])
	check("erased caller", srv.fast, postRequest(`{ me { id } }`, nil, map[string]string{"Authorization": "Bearer " + gone}), false, "this account was deleted")

	// Over GET, and by persisted query: the same bytes as gqlgen's.
	q := benchReads["person → following → interests"]
	get := func(h http.Handler, ext string) []byte {
		v, _ := json.Marshal(vars)
		u := "/graphql?variables=" + url.QueryEscape(string(v)) + "&query=" + url.QueryEscape(q)
		if ext != "" {
			u = "/graphql?variables=" + url.QueryEscape(string(v)) + "&extensions=" + url.QueryEscape(ext)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		return rec.Body.Bytes()
	}
	if got, want := check("GET", srv.fast, httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q)+"&variables="+url.QueryEscape(`{"id":"`+ids[3]+`"}`), nil), true, `"node"`), get(srv.slow, ""); !bytes.Equal(got, want) {
		t.Errorf("GET:\n  direct: %s\n  gqlgen: %s", got, want)
	}
	sum := sha256.Sum256([]byte(q))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	check("APQ registered", srv.fast, postRequest(q, vars, nil, ext), true, `"node"`)
	if got, want := check("APQ by hash", srv.fast, postRequest("", vars, nil, ext), true, `"node"`), get(srv.slow, ""); !bytes.Equal(got, want) {
		t.Errorf("APQ:\n  direct: %s\n  gqlgen: %s", got, want)
	}

	// The operation's span and request metrics.
	rec := tracetest.NewSpanRecorder()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.NeverSample())), sdktrace.WithSpanProcessor(rec)))
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	okBefore := metrics.Read("interestgraph_graphql_requests_total", map[string]string{"operation_type": "query", "outcome": "ok"})
	traceID := "6cf92f3577b34da6a3ce929d0e0e4738"
	check("traced", srv.fast, postRequest(q, vars, map[string]string{"traceparent": "00-" + traceID + "-00f067aa0ba902b7-01"}), true, `"node"`)
	id, _ := trace.TraceIDFromHex(traceID)
	spans := 0
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID() == id && s.Name() == "query" {
			spans++
		}
	}
	if spans != 1 {
		t.Errorf("%d ended query spans in the trace, want 1", spans)
	}
	if got := metrics.Read("interestgraph_graphql_requests_total", map[string]string{"operation_type": "query", "outcome": "ok"}) - okBefore; got != 1 {
		t.Errorf("the direct answer counted %v ok queries, want 1", got)
	}
}

// postRequest is a POST of query with variables, headers and, if given,
// the extensions (JSON).
func postRequest(query string, vars map[string]any, headers map[string]string, ext ...string) *http.Request {
	payload := map[string]any{"variables": vars}
	if query != "" {
		payload["query"] = query
	}
	if len(ext) > 0 {
		payload["extensions"] = json.RawMessage(ext[0])
	}
	body, _ := json.Marshal(payload)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req
}
