package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/testsupport"
	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

type session struct {
	AccessToken, IDToken, RefreshToken string
}

const sessionFields = `accessToken idToken refreshToken`

func (rs *running) refresh(t *testing.T, token string) (session, gqlResponse) {
	t.Helper()
	r := rs.do(t, "", `mutation($t: String!) { refreshToken(refreshToken: $t) { `+sessionFields+` } }`, map[string]any{"t": token})
	var out struct{ RefreshToken session }
	_ = json.Unmarshal(r.Data, &out)
	return out.RefreshToken, r
}

// TestRefreshRotationAndReuse: each refresh spends the token; presenting a
// spent one revokes the whole family; logout revokes it too.
func TestRefreshRotationAndReuse(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		email := "ann-" + testsupport.Unique() + "@example.com"
		var reg struct{ Register session }
		rs.must(t, "", `mutation($e: String!) { register(input: {email: $e, password: "correct horse", name: "Ann"}) { `+sessionFields+` } }`, map[string]any{"e": email}, &reg)
		first := reg.Register
		if first.IDToken == "" || len(first.RefreshToken) < 40 {
			t.Fatalf("session: %+v", first)
		}
		// Neither the ID token nor the refresh token is an access token.
		for name, tok := range map[string]string{"ID token": first.IDToken, "refresh token": first.RefreshToken} {
			if r := rs.do(t, tok, `mutation { addInterest(name: "go") { status } }`, nil); r.code() != "UNAUTHENTICATED" {
				t.Errorf("%s used as access token: %+v", name, r.Errors)
			}
		}
		second, r := rs.refresh(t, first.RefreshToken)
		if len(r.Errors) > 0 || second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
			t.Fatalf("refresh: %+v %+v", second, r.Errors)
		}
		var me struct{ Me struct{ Email string } }
		rs.must(t, second.AccessToken, `{ me { email } }`, nil, &me)
		if me.Me.Email != email {
			t.Fatalf("refreshed access token: %+v", me)
		}
		// Reuse of the spent token: refused, and the family is revoked.
		if _, r := rs.refresh(t, first.RefreshToken); r.code() != "UNAUTHENTICATED" {
			t.Fatalf("reuse: %+v", r.Errors)
		}
		if _, r := rs.refresh(t, second.RefreshToken); r.code() != "UNAUTHENTICATED" {
			t.Fatalf("rotated token after reuse: %+v", r.Errors)
		}
		// Logout revokes a fresh family.
		var login struct{ Login session }
		rs.must(t, "", `mutation($e: String!) { login(email: $e, password: "correct horse") { `+sessionFields+` } }`, map[string]any{"e": email}, &login)
		var out struct{ Logout bool }
		rs.must(t, "", `mutation($t: String!) { logout(refreshToken: $t) }`, map[string]any{"t": login.Login.RefreshToken}, &out)
		if _, r := rs.refresh(t, login.Login.RefreshToken); !out.Logout || r.code() != "UNAUTHENTICATED" {
			t.Fatalf("refresh after logout: %+v", r.Errors)
		}
	})
}

// TestLoginRateLimit: guessing is cut off per account with a retry hint.
func TestLoginRateLimit(t *testing.T) { forStacks(t, testLoginRateLimit) }

func testLoginRateLimit(t *testing.T, st stack) {
	rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	var last gqlResponse
	for range 6 {
		last = rs.do(t, "", `mutation($e: String!) { login(email: $e, password: "guess guess") { accessToken } }`, map[string]any{"e": ann.Email})
	}
	if last.code() != "RATE_LIMITED" {
		t.Fatalf("sixth wrong login in a minute: %+v", last.Errors)
	}
	if s, _ := last.Errors[0].Extensions["retryAfterSeconds"].(float64); s < 1 || s > 60 {
		t.Fatalf("retry hint: %+v", last.Errors[0].Extensions)
	}
	// Even the right password waits: the limit is on attempts.
	if r := rs.do(t, "", `mutation($e: String!) { login(email: $e, password: "correct horse") { accessToken } }`, map[string]any{"e": ann.Email}); r.code() != "RATE_LIMITED" {
		t.Fatalf("login during the limit: %+v", r.Errors)
	}
}

// TestJWKSVerifiesIssuedTokens: the published keys verify the access
// tokens the service signs, as a separate resource server would.
func TestJWKSVerifiesIssuedTokens(t *testing.T) { forStacks(t, testJWKSVerifiesIssuedTokens) }

func testJWKSVerifiesIssuedTokens(t *testing.T, st stack) {
	rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	resp, err := http.Get(rs.url + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct{ Kid, X, Alg string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	parts := strings.Split(ann.Token, ".")
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var h struct{ Kid, Alg, Typ string }
	_ = json.Unmarshal(hdr, &h)
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	verified := false
	for _, k := range set.Keys {
		pub, _ := base64.RawURLEncoding.DecodeString(k.X)
		if k.Kid == h.Kid && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
			verified = true
		}
	}
	if !verified || h.Alg != "EdDSA" || h.Typ != "at+jwt" {
		t.Fatalf("token header %+v not verified by JWKS %+v", h, set)
	}
	// A forged Host header must not reach the document: its addresses come
	// from the configured issuer (here not a URL, so the path alone).
	req, _ := http.NewRequest(http.MethodGet, rs.url+"/.well-known/openid-configuration", nil)
	req.Host = "attacker.example"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "attacker.example") || !strings.Contains(string(body), `"jwks_uri":"/.well-known/jwks.json"`) {
		t.Fatalf("discovery: %s", body)
	}
}

// TestGraphEventsIsForAdmins: the firehose of every event is admin-only.
func TestGraphEventsIsForAdmins(t *testing.T) { forStacks(t, testGraphEventsIsForAdmins) }

func testGraphEventsIsForAdmins(t *testing.T, st stack) {
	cfg, provider := withProvider(t, testConfig(t, st))
	adminEmail := "root-" + testsupport.Unique() + "@example.com"
	cfg.AdminEmails = []string{adminEmail}
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	annWS := rs.ws(t, ann.Token)
	annWS.subscribe("g", `subscription { graphEvents { type } }`, nil)
	m := annWS.read()
	raw, _ := json.Marshal(m)
	if !strings.Contains(string(raw), "FORBIDDEN") {
		t.Fatalf("graphEvents for a user: %s", raw)
	}
	// The bystander watches Bob, and must not see Ann's event.
	bob := rs.register(t, "Bob")
	ws := rs.ws(t, provider.signIn(t, rs, adminEmail))
	ws.subscribe("g", `subscription { graphEvents { type subject commandId data } }`, nil)
	bystander := rs.ws(t, "")
	bystander.subscribe("e", personEventsQuery, map[string]any{"p": bob.ID})
	rs.waitSubscriptions(t, 2)
	r := rs.mutate(t, ann.Token, "addInterest", "name", "firehose")
	var ev struct {
		GraphEvents struct{ Type, Subject, CommandID, Data string }
	}
	// Bob's and the admin's registration events may reach the hub after
	// the subscription (the tail opens their sealed fields first).
	for ws.next("g", &ev); ev.GraphEvents.Subject != ann.ID && isRegistration(ev.GraphEvents.Type); ws.next("g", &ev) {
	}
	if ev.GraphEvents.Type != "InterestAdded" || ev.GraphEvents.Subject != ann.ID || ev.GraphEvents.CommandID != r.CommandID || !strings.Contains(ev.GraphEvents.Data, "firehose") {
		t.Fatalf("graphEvents: %+v", ev)
	}
	rb := rs.mutate(t, bob.Token, "addInterest", "name", "bystanding")
	var pe personEventMsg
	bystander.nextPersonEvent("e", bob.ID, &pe)
	if pe.PersonEvents.CommandID != rb.CommandID || pe.PersonEvents.Person.ID != bob.ID {
		t.Fatalf("bystander's first event is not Bob's: %+v", pe)
	}
	for ws.next("g", &ev); ev.GraphEvents.CommandID != rb.CommandID && isRegistration(ev.GraphEvents.Type); ws.next("g", &ev) {
	}
	if ev.GraphEvents.Subject != bob.ID || ev.GraphEvents.CommandID != rb.CommandID {
		t.Fatalf("graphEvents, second: %+v", ev)
	}
}

// isRegistration: the events of a registration, which tests that
// subscribe after registering someone may still see arrive.
func isRegistration(typ string) bool { return typ == "PersonRegistered" || typ == "CoinsGranted" }

// TestWebSocketClosesWhenTheTokenExpires: 4401 at expiry, so the client
// reconnects with a fresh token.
func TestWebSocketClosesWhenTheTokenExpires(t *testing.T) {
	forStacks(t, testWebSocketClosesWhenTheTokenExpires)
}

func testWebSocketClosesWhenTheTokenExpires(t *testing.T, st stack) {
	cfg := testConfig(t, st)
	cfg.JWTPrivateKeyFile = writeKey(t)
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	short, err := auth.NewKeys(auth.KeyConfig{PrivateKeyFile: cfg.JWTPrivateKeyFile, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, TTL: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tok, exp, _ := short.Issue(ann.ID, []string{auth.RoleUser})
	// The token says when it expires in whole seconds: no close before.
	notBefore := exp.Truncate(time.Second)
	ws := rs.ws(t, tok)
	ws.subscribe("n", `subscription { notifications { kind } }`, nil)
	// The same token in the upgrade request's header instead of
	// connection_init expires the same way.
	hdr := rs.wsWith(t, gqlclient.DialOptions{Header: http.Header{"Authorization": []string{"Bearer " + tok}}})
	hdrConn := hdr.conn
	hdr.subscribe("n", `subscription { notifications { kind } }`, nil)
	start := time.Now()
	defer func() {
		for {
			var m map[string]any
			err := wsjson.Read(ws.ctx, hdrConn, &m)
			if err == nil {
				continue
			}
			if code := websocket.CloseStatus(err); code != 4401 {
				t.Errorf("header-authenticated connection closed with %d (%v), want 4401", code, err)
			}
			if now := time.Now(); now.Before(notBefore) {
				t.Errorf("header-authenticated connection closed %v before the token expired", notBefore.Sub(now))
			}
			return
		}
	}()
	for {
		var m map[string]any
		err := wsjson.Read(ws.ctx, ws.conn, &m)
		if err == nil {
			continue // pings, the error message of the ended subscription
		}
		if code := websocket.CloseStatus(err); code != 4401 {
			t.Fatalf("closed with %d (%v), want 4401", code, err)
		}
		if now := time.Now(); now.Before(notBefore) {
			t.Fatalf("closed %v before the token expired", notBefore.Sub(now))
		}
		if waited := time.Since(start); waited > 10*time.Second {
			t.Fatalf("closed only after %v", waited)
		}
		return
	}
}

// TestSignupRateLimit: registrations per address are bounded (each costs a
// password hash and mints welcome coins).
func TestSignupRateLimit(t *testing.T) {
	cfg := testConfig(t, embeddedStack)
	cfg.SignupsPerMinute = 2
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	rs.register(t, "A")
	rs.register(t, "B")
	r := rs.do(t, "", `mutation { register(input: {email: "c@example.com", password: "correct horse", name: "C"}) { accessToken } }`, nil)
	if r.code() != "RATE_LIMITED" {
		t.Fatalf("third registration in a minute from one address: %+v", r.Errors)
	}
}
