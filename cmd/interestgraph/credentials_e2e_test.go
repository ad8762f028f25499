package main

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

// TestPresentedCredentialsAreValidOrRefused: no token is anonymous, but a
// token that is present and bad is refused with 401, RFC 6750's
// WWW-Authenticate and a message that says whether it expired, so a client
// can tell "refresh" from "signed out".
func TestPresentedCredentialsAreValidOrRefused(t *testing.T) {
	cfg := testConfig(t, embeddedStack)
	cfg.JWTPrivateKeyFile = writeKey(t)
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	past, err := auth.NewKeys(auth.KeyConfig{PrivateKeyFile: cfg.JWTPrivateKeyFile, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience,
		TTL: time.Minute, Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	expired, _, _ := past.Issue(ann.ID, []string{auth.RoleUser})

	if r := rs.do(t, "", `{ me { id } }`, nil); r.status != 200 || string(r.Data) != `{"me":null}` {
		t.Errorf("no token: status %d, %s %+v", r.status, r.Data, r.Errors)
	}
	cases := []struct{ name, header, wantMsg string }{
		{"garbage", "Bearer garbage", "invalid"},
		{"tampered", "Bearer " + tamper(ann.Token), "invalid"},
		{"forged alg none", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "invalid"},
		{"without Bearer", ann.Token, "Bearer"},
		{"empty bearer", "Bearer ", "invalid"},
		{"expired", "Bearer " + expired, "expired"},
	}
	for _, c := range cases {
		r := rs.doWith(t, `{ me { id } }`, nil, func(h http.Header) { h.Set("Authorization", c.header) })
		if r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
			t.Errorf("%s: status %d code %q (%s %+v), want 401 UNAUTHENTICATED", c.name, r.status, r.code(), r.Data, r.Errors)
			continue
		}
		if !strings.Contains(r.Errors[0].Message, c.wantMsg) {
			t.Errorf("%s: message %q does not say %q", c.name, r.Errors[0].Message, c.wantMsg)
		}
		if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, `Bearer error="invalid_token"`) {
			t.Errorf("%s: WWW-Authenticate %q", c.name, got)
		}
		if c.name == "garbage" && strings.Contains(r.Errors[0].Message, "expired") {
			t.Errorf("a garbage token is called expired: %q", r.Errors[0].Message)
		}
	}
	// The valid token still works.
	if r := rs.do(t, ann.Token, `{ me { id } }`, nil); len(r.Errors) != 0 || !strings.Contains(string(r.Data), ann.ID) {
		t.Errorf("valid token: %s %+v", r.Data, r.Errors)
	}

	// WebSockets: expired at connection_init → 4401 "token expired";
	// invalid → 4403 with a reason that reaches the client.
	for _, c := range []struct {
		name, token string
		code        websocket.StatusCode
		reason      string
	}{
		{"expired", expired, 4401, "token expired"},
		{"forged", "forged.token.here", 4403, "invalid token"},
	} {
		code, reason := wsInitClose(t, rs, "Bearer "+c.token)
		if code != c.code || reason != c.reason {
			t.Errorf("websocket %s: closed %d %q, want %d %q", c.name, code, reason, c.code, c.reason)
		}
	}
}

// wsInitClose sends connection_init with authorization and returns how the
// server closed the socket.
func wsInitClose(t *testing.T, rs *running, authorization string) (websocket.StatusCode, string) {
	t.Helper()
	sock, err := gqlclient.Dial(ctxFor(t, 30*time.Second), rs.client().URL,
		gqlclient.DialOptions{Payload: map[string]any{"Authorization": authorization}})
	if err == nil {
		_ = sock.CloseNow()
		t.Fatalf("connection acknowledged with %q", authorization)
	}
	var ce websocket.CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("read: %v", err)
	}
	return ce.Code, ce.Reason
}
