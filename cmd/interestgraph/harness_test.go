package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// cheap argon2 parameters keep tests fast under the race detector; the
// production cost is covered by the auth package's tests.
var testArgon2 = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// stack names where a test's service runs.
type stack string

const (
	embeddedStack stack = "embedded" // kfake broker + memory store
	realStack     stack = "real"     // the dev stack's Kafka and Neo4j
)

// testConfig returns a configuration isolated from other tests: its own
// topics and consumer group on real Kafka (Neo4j data is isolated by ids).
func testConfig(t *testing.T, st stack) config.Config {
	t.Helper()
	cfg, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	cfg.KafkaBrokers, cfg.Neo4jURI = nil, ""
	cfg.KafkaPartitions = 3
	cfg.SignupsPerMinute = 10_000             // tests register many people from one address
	cfg.MutationsPerMinute = 0                // bank storms send hundreds of transfers per person
	cfg.CommandWaitTimeout = 30 * time.Second // a loaded CI machine must not turn APPLIED into ACCEPTED
	if st == realStack {
		cfg.KafkaBrokers = testsupport.KafkaBrokers(t)
		n := testsupport.Neo4jServer(t)
		cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword = n.URI, n.User, n.Password
		id := testsupport.Unique()
		cfg.KafkaTopicPrefix = "test-" + id + "."
		cfg.ConsumerGroup = "test-" + id
	}
	return cfg
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type running struct {
	*service
	url string
}

// startService starts the service with roles and serves its gateway (if
// any) on a loopback HTTP server.
func startService(t *testing.T, cfg config.Config, r roles, opts ...startOption) *running {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := start(ctx, cfg, testLogger(t), r, testArgon2, opts...)
	if err != nil {
		t.Fatalf("start service: %v", err)
	}
	rs := &running{service: s}
	if r.gateway {
		srv := httptest.NewUnstartedServer(s.handler)
		srv.Config = newHTTPServer(s.handler)
		srv.Start()
		rs.url = srv.URL
		t.Cleanup(srv.Close)
	}
	t.Cleanup(s.stop)
	return rs
}

// gqlResponse is a GraphQL response.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
	header http.Header
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts a GraphQL operation with an optional bearer token.
func (rs *running) do(t *testing.T, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return rs.doWith(t, query, vars, func(h http.Header) {
		if token != "" {
			h.Set("Authorization", "Bearer "+token)
		}
	})
}

func (rs *running) doWith(t *testing.T, query string, vars map[string]any, headers func(http.Header)) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, rs.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	headers(req.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	raw, _ := io.ReadAll(resp.Body)
	out.status, out.header = resp.StatusCode, resp.Header
	if resp.StatusCode >= 500 {
		t.Fatalf("server error %d: %s", resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, &out); err != nil && resp.StatusCode == 200 {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return out
}

// must posts and fails the test on any GraphQL error, decoding data into v.
func (rs *running) must(t *testing.T, token, query string, vars map[string]any, v any) {
	t.Helper()
	r := rs.do(t, token, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", strings.Fields(query)[0:2], r.Errors)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
}

type registered struct {
	ID, Email, Token string
}

func (rs *running) register(t *testing.T, name string) registered {
	t.Helper()
	email := fmt.Sprintf("%s-%s@example.com", strings.ToLower(name), testsupport.Unique())
	var out struct {
		Register struct {
			AccessToken string
			Person      struct{ ID, Email string }
		}
	}
	rs.must(t, "", `mutation($in: RegisterInput!) { register(input: $in) { accessToken person { id email } } }`,
		map[string]any{"in": map[string]any{"email": email, "password": "correct horse", "name": name}}, &out)
	if out.Register.Person.Email != email {
		t.Fatalf("register: own email not shown: %+v", out)
	}
	return registered{ID: out.Register.Person.ID, Email: email, Token: out.Register.AccessToken}
}

type receipt struct {
	CommandID string
	Status    string
	Reason    *string
}

// mutate runs a CommandReceipt mutation named field and returns its receipt.
func (rs *running) mutate(t *testing.T, token, field, argName, arg string) receipt {
	t.Helper()
	var out map[string]receipt
	rs.must(t, token, fmt.Sprintf(`mutation($v: %s) { %s(%s: $v) { commandId status reason } }`, argType(argName), field, argName),
		map[string]any{"v": arg}, &out)
	return out[field]
}

func argType(name string) string {
	if name == "personId" {
		return "ID!"
	}
	return "String!"
}

// wsClient speaks graphql-transport-ws.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context
	// held keeps messages read while waiting for another subscription's,
	// so a message that should not have come is still seen by its reader.
	held map[string][]map[string]any
}

// wsReadTimeout bounds the wait for one WebSocket message: generous for a
// loaded machine (a mutation waits up to 30 s for its outcome).
const wsReadTimeout = 40 * time.Second

// maxHeld bounds the messages held per socket.
const maxHeld = 1024

func (rs *running) ws(t *testing.T, token string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(rs.url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial websocket: %v", err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	c := &wsClient{t: t, conn: conn, ctx: ctx}
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	c.send(map[string]any{"type": "connection_init", "payload": payload})
	if m := c.read(); m["type"] != "connection_ack" {
		t.Fatalf("expected connection_ack, got %v", m)
	}
	return c
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	if err := wsjson.Write(c.ctx, c.conn, v); err != nil {
		c.t.Fatalf("ws write: %v", err)
	}
}

func (c *wsClient) read() map[string]any {
	c.t.Helper()
	for {
		var m map[string]any
		// A deadline per read: a message that never comes fails this read,
		// not the whole test's budget.
		rctx, cancel := context.WithTimeout(c.ctx, wsReadTimeout)
		err := wsjson.Read(rctx, c.conn, &m)
		cancel()
		if err != nil {
			c.t.Fatalf("ws read: %v", err)
		}
		if m["type"] == "ping" {
			c.send(map[string]any{"type": "pong"})
			continue
		}
		if m["type"] == "pong" || m["type"] == "ka" {
			continue
		}
		return m
	}
}

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
}

// nextFor returns the next message for subscription id, holding those of
// other subscriptions for their own readers.
func (c *wsClient) nextFor(id string) map[string]any {
	c.t.Helper()
	if q := c.held[id]; len(q) > 0 {
		c.held[id] = q[1:]
		return q[0]
	}
	for held := 0; ; held++ {
		m := c.read()
		other, _ := m["id"].(string)
		if other == id {
			return m
		}
		if held >= maxHeld {
			c.t.Fatalf("subscription %s: more than %d messages for others", id, maxHeld)
		}
		if c.held == nil {
			c.held = map[string][]map[string]any{}
		}
		c.held[other] = append(c.held[other], m)
	}
}

// next returns the data of the next "next" message for id.
func (c *wsClient) next(id string, v any) {
	c.t.Helper()
	for {
		m := c.nextFor(id)
		switch m["type"] {
		case "next":
			payload, _ := json.Marshal(m["payload"])
			var r gqlResponse
			_ = json.Unmarshal(payload, &r)
			if len(r.Errors) > 0 {
				c.t.Fatalf("subscription %s error: %+v", id, r.Errors)
			}
			// Start from zero: a field missing from this message must not
			// keep the previous message's value.
			reflect.ValueOf(v).Elem().SetZero()
			if err := json.Unmarshal(r.Data, v); err != nil {
				c.t.Fatalf("decode %s: %v", r.Data, err)
			}
			return
		default:
			c.t.Fatalf("subscription %s: unexpected %v", id, m)
		}
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// forStacks runs fn against the embedded default and the real stack.
func forStacks(t *testing.T, fn func(t *testing.T, st stack)) {
	for _, st := range []stack{embeddedStack, realStack} {
		t.Run(string(st), func(t *testing.T) { fn(t, st) })
	}
}

func jsonInto(raw json.RawMessage, v any) error { return json.Unmarshal(raw, v) }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// waitSubscriptions waits until the gateway's hub holds n subscriptions,
// so no event is published before a subscriber is there to get it.
func (rs *running) waitSubscriptions(t *testing.T, n int) {
	t.Helper()
	eventually(t, 30*time.Second, "subscriptions registered", func() bool { return rs.hub.Count() >= n })
}
