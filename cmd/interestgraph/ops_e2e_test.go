package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/interestgraph/interestgraph/internal/testsupport"
	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

// TestTwoGatewaysReadYourWrites: a change APPLIED through one gateway is
// visible at once through another.
func TestTwoGatewaysReadYourWrites(t *testing.T) {
	cfg := testConfig(t, realStack)
	cfg.JWTPrivateKeyFile = writeKey(t) // gateways share the signing key
	a := startService(t, cfg, roles{gateway: true, consumer: true})
	b := startService(t, cfg, roles{gateway: true})
	ann := a.register(t, "Ann")
	for i := range 5 {
		topic := "ryw " + testsupport.Letters()
		via, other := a, b
		if i%2 == 1 {
			via, other = b, a
		}
		if r := via.mutate(t, ann.Token, "addInterest", "name", topic); r.Status != "APPLIED" {
			t.Fatalf("addInterest: %+v", r)
		}
		var me struct {
			Me struct{ Interests []struct{ Name string } }
		}
		other.must(t, ann.Token, `{ me { interests { name } } }`, nil, &me)
		found := false
		for _, in := range me.Me.Interests {
			found = found || in.Name == topic
		}
		if !found {
			t.Fatalf("round %d: the other gateway does not see %q: %+v", i, topic, me)
		}
	}
}

func writeKey(t *testing.T) string {
	t.Helper()
	path, err := testsupport.WriteSigningKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLegacyGraphQLWSProtocol: older clients speak graphql-ws.
func TestLegacyGraphQLWSProtocol(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	ctx := ctxFor(t, 30*time.Second)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(rs.url, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if conn.Subprotocol() != "graphql-ws" {
		t.Fatalf("negotiated %q", conn.Subprotocol())
	}
	write := func(v any) {
		if err := wsjson.Write(ctx, conn, v); err != nil {
			t.Fatal(err)
		}
	}
	read := func() map[string]any {
		for {
			var m map[string]any
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				t.Fatal(err)
			}
			if m["type"] != "ka" {
				return m
			}
		}
	}
	write(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + ann.Token}})
	if m := read(); m["type"] != "connection_ack" {
		t.Fatalf("init: %v", m)
	}
	write(map[string]any{"id": "1", "type": "start", "payload": map[string]any{"query": `subscription($p: ID!) { personEvents(personId: $p) { __typename commandId } }`, "variables": map[string]any{"p": ann.ID}}})
	// The bystander watches Bob over the current protocol.
	bob := rs.register(t, "Bob")
	bystander := rs.ws(t, "")
	bystander.subscribe("e", personEventsQuery, map[string]any{"p": bob.ID})
	rs.waitSubscriptions(t, 2)
	r := rs.mutate(t, ann.Token, "addInterest", "name", "legacy clients")
	m := read()
	raw, _ := json.Marshal(m)
	// Ann's own registration event may reach the fresh subscription after
	// her registration was answered (events and outcomes are tailed apart).
	for m["type"] == "data" && strings.Contains(string(raw), `"PersonRegistered"`) {
		m = read()
		raw, _ = json.Marshal(m)
	}
	if m["type"] != "data" || !strings.Contains(string(raw), "InterestAdded") || !strings.Contains(string(raw), r.CommandID) {
		t.Fatalf("legacy data message: %s", raw)
	}
	rb := rs.mutate(t, bob.Token, "addInterest", "name", "modern clients")
	var pe personEventMsg
	bystander.nextPersonEvent("e", bob.ID, &pe)
	if pe.PersonEvents.CommandID != rb.CommandID || pe.PersonEvents.Person.ID != bob.ID {
		t.Fatalf("bystander's first event is not Bob's: %+v", pe)
	}
}

// TestBadTokenOnWebSocketIsRefused: a connection_init with a forged token
// is closed with 4403, not accepted anonymously.
func TestBadTokenOnWebSocketIsRefused(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ctx := ctxFor(t, 30*time.Second)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(rs.url, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer forged.token.here"}})
	for {
		var m map[string]any
		err := wsjson.Read(ctx, conn, &m)
		if err != nil {
			if code := websocket.CloseStatus(err); code != 4403 {
				t.Fatalf("closed with %d (%v), want 4403", code, err)
			}
			return
		}
		if m["type"] == "connection_ack" {
			t.Fatal("forged token accepted")
		}
	}
}

// TestCrossSiteWebSocketIsRefused: a browser page on another origin cannot
// open a WebSocket with the user's credentials.
func TestCrossSiteWebSocketIsRefused(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ctx := ctxFor(t, 10*time.Second)
	_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(rs.url, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": []string{"https://evil.example"}}})
	if err == nil {
		t.Fatal("cross-site WebSocket accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site WebSocket: %v %v", resp, err)
	}
}

// TestHealthReadinessAndPlayground covers the HTTP endpoints besides
// /graphql, and that GET cannot run operations (CSRF).
func TestHealthReadinessAndPlayground(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/": "<html"} {
		resp, err := http.Get(rs.url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(body)), want) {
			t.Errorf("GET %s: %d %q", path, resp.StatusCode, body[:min(len(body), 80)])
		}
	}
	// GET serves queries (cacheable) but never runs a mutation: a link or
	// an <img> must not change anything.
	resp, err := http.Get(rs.url + `/graphql?query=` + url.QueryEscape(`mutation { addInterest(name: "x") { status } }`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /graphql ran a mutation: %d", resp.StatusCode)
	}
	resp, err = http.Post(rs.url+"/graphql", "text/plain", strings.NewReader(`{"query":"mutation { addInterest(name: \"x\") { status } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("text/plain POST (a CSRF form) was accepted: %d", resp.StatusCode)
	}
}

// TestDemoData loads the demo graph through the command path.
func TestDemoData(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	if err := loadDemo(ctxFor(t, time.Minute), rs.service, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	var login struct{ Login struct{ AccessToken string } }
	rs.must(t, "", `mutation { login(email: "demo0@example.com", password: "demo-password") { accessToken } }`, nil, &login)
	var me struct {
		Me struct {
			FollowerCount int
			Interests     []struct{ Name string }
		}
	}
	eventually(t, 2*time.Minute, "demo follows applied", func() bool {
		rs.must(t, login.Login.AccessToken, `{ me { followerCount interests { name } } }`, nil, &me)
		return me.Me.FollowerCount > 10 && len(me.Me.Interests) > 0
	})
}

// TestGracefulShutdown: SIGTERM ends open subscriptions with a close frame
// and the process exits 0.
func TestGracefulShutdown(t *testing.T) {
	bin := buildBinary(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "HTTP_ADDR="+addr, "KAFKA_BROKERS=", "NEO4J_URI=", "LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	rs := &running{url: "http://" + addr}
	eventually(t, time.Minute, "the server to listen", func() bool {
		resp, err := http.Get(rs.url + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	// A live subscription: it has delivered an event before the signal.
	ann := rs.register(t, "Ann")
	ws := rs.ws(t, "")
	ws.subscribe("1", `subscription($p: ID!) { personEvents(personId: $p) { commandId } }`, map[string]any{"p": ann.ID})
	waitLive(t, rs, ws, ann)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// The socket ends with 1001 (going away) and no "complete" for the
	// subscription: graphql-ws clients then reconnect to another gateway
	// and subscribe again, where "complete" would end it for good.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		var m map[string]any
		err := wsjson.Read(ctx, ws.conn, &m)
		if err != nil {
			var ce websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway {
				t.Fatalf("subscription ended with %v (close status %d), want 1001", err, websocket.CloseStatus(err))
			}
			break
		}
		if m["type"] == "complete" {
			t.Fatalf("\"complete\" for %v before the close frame: the client would not subscribe again", m["id"])
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30 s after SIGTERM")
	}
}

// waitLive adds interests, paced, until the subscription delivers one:
// then it is known to be registered. (A subscription's start is not
// acknowledged in graphql-transport-ws, and an event before it is missed.)
func waitLive(t *testing.T, rs *running, ws *wsClient, p registered) {
	t.Helper()
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Millisecond) // pacing, not synchronisation
		defer tick.Stop()
		for try := 0; try < 100; try++ {
			_, _ = rs.client().Do(context.Background(), gqlclient.Request{Query: `mutation($n: String!) { addInterest(name: $n) { status } }`,
				Variables: map[string]any{"n": "alive " + strconv.Itoa(try)}, Token: p.Token})
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	var ev struct{ PersonEvents struct{ CommandID string } }
	ws.next("1", &ev)
	close(stop)
	<-stopped
}

// TestSubscriptionEventsReadCurrentData: each event of a subscription reads
// the graph as it is then, not as the first event cached it.
func TestSubscriptionEventsReadCurrentData(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
		ws := rs.ws(t, "")
		ws.subscribe("e", `subscription($p: ID!) { personEvents(personId: $p) { commandId person { followerCount } } }`, map[string]any{"p": bob.ID})
		// The bystander watches Ann: Bob's interests are not hers to see.
		bystander := rs.ws(t, "")
		bystander.subscribe("e", personEventsQuery, map[string]any{"p": ann.ID})
		rs.waitSubscriptions(t, 2)
		var ev struct {
			PersonEvents struct {
				CommandID string
				Person    struct{ FollowerCount int }
			}
		}
		// Bob's own registration events may still be on their way to the
		// subscriber (the gateway's events tail and its outcomes tail run
		// independently): wait for the event of each mutation by its id.
		eventOf := func(commandID string) {
			for ws.next("e", &ev); ev.PersonEvents.CommandID != commandID; ws.next("e", &ev) {
			}
		}
		eventOf(rs.mutate(t, bob.Token, "addInterest", "name", "first "+testsupport.Letters()).CommandID)
		if ev.PersonEvents.Person.FollowerCount != 0 {
			t.Fatalf("first event: %+v", ev)
		}
		f := rs.mutate(t, ann.Token, "follow", "personId", bob.ID)
		var pe personEventMsg
		bystander.nextPersonEvent("e", ann.ID, &pe)
		if pe.PersonEvents.Typename != "Followed" || pe.PersonEvents.CommandID != f.CommandID {
			t.Fatalf("bystander's first event is not Ann's follow: %+v", pe)
		}
		eventOf(rs.mutate(t, bob.Token, "addInterest", "name", "second "+testsupport.Letters()).CommandID)
		if ev.PersonEvents.Person.FollowerCount != 1 {
			t.Fatalf("second event shows a stale follower count: %+v", ev)
		}
	})
}
