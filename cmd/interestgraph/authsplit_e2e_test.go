package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestPhantomTokens: with OPAQUE_TOKENS the client only ever holds an
// opaque reference; the gateway introspects it and works with the JWT.
func TestPhantomTokens(t *testing.T) { forStacks(t, testPhantomTokens) }

func testPhantomTokens(t *testing.T, st stack) {
	cfg := testConfig(t, st)
	cfg.OpaqueTokens = true
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	if !strings.HasPrefix(ann.Token, "igr_") || strings.Count(ann.Token, ".") != 0 {
		t.Fatalf("client got %q, want an opaque reference", ann.Token)
	}
	var me struct{ Me struct{ ID string } }
	rs.must(t, ann.Token, `{ me { id } }`, nil, &me)
	if me.Me.ID != ann.ID {
		t.Fatalf("me with a reference token: %+v", me)
	}
	for _, bad := range []string{ann.Token + "x", "igr_" + testsupport.Unique()} {
		if r := rs.do(t, bad, `mutation { addInterest(name: "go") { status } }`, nil); r.code() != "UNAUTHENTICATED" {
			t.Errorf("reference %q: %+v", bad, r.Errors)
		}
	}
}

// TestAuthComponentAlone runs `interestgraph auth` as its own process on
// the real Neo4j with opaque tokens on. The gateway holds no signing key:
// it signs people in through the component's HTTP API, introspects their
// reference tokens there and verifies the JWTs with the component's JWKS.
func TestAuthComponentAlone(t *testing.T) {
	cfg := testConfig(t, realStack)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	secret := "test-secret-" + testsupport.Unique()
	cmd := exec.Command(buildBinary(t), "auth")
	cmd.Env = append(os.Environ(), "NEO4J_URI="+cfg.Neo4jURI, "NEO4J_USER="+cfg.Neo4jUser, "NEO4J_PASSWORD="+cfg.Neo4jPassword,
		"AUTH_HTTP_ADDR="+addr, "AUTH_SHARED_SECRET="+secret, "OPAQUE_TOKENS=true", "LOG_LEVEL=warn")
	if os.Getenv("TEST_LOG") != "" {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	eventually(t, time.Minute, "the auth component", func() bool {
		resp, err := http.Get("http://" + addr + "/.well-known/jwks.json")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	// Without the gateways' secret the component refuses.
	resp, err := http.Post("http://"+addr+"/auth/login", "application/json", strings.NewReader(`{"email":"a@example.com","password":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("login without the gateway secret: %d", resp.StatusCode)
	}

	cfg.AuthURL, cfg.AuthSharedSecret = "http://"+addr, secret
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	if !strings.HasPrefix(ann.Token, "igr_") {
		t.Fatalf("token %q is not a reference", ann.Token)
	}
	if r := rs.mutate(t, ann.Token, "addInterest", "name", "split "+testsupport.Letters()); r.Status != "APPLIED" {
		t.Fatalf("mutation with a token from the auth component: %+v", r)
	}
	var login struct{ Login session }
	rs.must(t, "", `mutation($e: String!) { login(email: $e, password: "correct horse") { `+sessionFields+` } }`, map[string]any{"e": ann.Email}, &login)
	next, r := rs.refresh(t, login.Login.RefreshToken)
	if len(r.Errors) > 0 || next.AccessToken == "" {
		t.Fatalf("refresh through the component: %+v", r.Errors)
	}
	var me struct{ Me struct{ ID string } }
	rs.must(t, next.AccessToken, `{ me { id } }`, nil, &me)
	if me.Me.ID != ann.ID {
		t.Fatalf("me: %+v", me)
	}
	if r := rs.do(t, "", `mutation($e: String!) { register(input: {email: $e, password: "another horse", name: "X"}) { accessToken } }`, map[string]any{"e": ann.Email}); r.code() != "ALREADY_EXISTS" {
		t.Fatalf("error kinds survive the component's HTTP API: %+v", r.Errors)
	}
}
