package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const devOrigin = "http://localhost:5173"

func preflight(t *testing.T, rs *running, origin string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, rs.url+"/graphql", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestCORS: a page on a configured origin can call the API and subscribe;
// any other origin gets no CORS grant and one well-formed WebSocket refusal.
func TestCORS(t *testing.T) {
	cfg := testConfig(t, embeddedStack)
	cfg.CORSAllowedOrigins = []string{devOrigin}
	cfg.WSAllowedOrigins = cfg.CORSAllowedOrigins // as config does by default
	rs := startService(t, cfg, roles{gateway: true, consumer: true})

	resp := preflight(t, rs, devOrigin)
	if resp.StatusCode >= 300 || resp.Header.Get("Access-Control-Allow-Origin") != devOrigin ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("preflight from %s: %d %v", devOrigin, resp.StatusCode, resp.Header)
	}
	if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("credentials allowed: bearer tokens need none")
	}
	if resp := preflight(t, rs, "http://evil.example"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin granted: %v", resp.Header)
	}
	r := rs.doWith(t, `{ __typename }`, nil, func(h http.Header) { h.Set("Origin", devOrigin) })
	if r.header.Get("Access-Control-Allow-Origin") != devOrigin || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Www-Authenticate") {
		t.Errorf("POST from %s: %v", devOrigin, r.header)
	}

	ctx := ctxFor(t, 30*time.Second)
	wsURL := "ws" + strings.TrimPrefix(rs.url, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {devOrigin}}})
	if err != nil {
		t.Fatalf("websocket from %s: %v", devOrigin, err)
	}
	conn.CloseNow()
	_, resp, err = websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {"http://evil.example"}}})
	if err == nil || resp == nil {
		t.Fatalf("websocket from another origin: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if resp.StatusCode != http.StatusForbidden || json.Unmarshal(body, &out) != nil || out.code() != "FORBIDDEN" {
		t.Errorf("refused websocket: %d %q", resp.StatusCode, body)
	}
}

// TestNoCORSByDefault: without CORS_ALLOWED_ORIGINS no origin is granted.
func TestNoCORSByDefault(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	if resp := preflight(t, rs, devOrigin); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight granted without configuration: %v", resp.Header)
	}
}

// TestCORSAnyOrigin: "*" grants every origin, never with credentials.
func TestCORSAnyOrigin(t *testing.T) {
	cfg := testConfig(t, embeddedStack)
	cfg.CORSAllowedOrigins = []string{"*"}
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	resp := preflight(t, rs, "https://anywhere.example")
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("preflight with *: %v", resp.Header)
	}
}
