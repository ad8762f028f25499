package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/testsupport"
	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
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

// gqlResponse is an answer of the GraphQL client under the names the
// tests read: Data, Errors, status, header and code().
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
	header http.Header
}

type gqlError = gqlclient.Error

func (r gqlResponse) code() string { return gqlclient.Response{Errors: r.Errors}.Code() }

// client is the GraphQL client of the service's gateway.
func (rs *running) client() *gqlclient.Client { return &gqlclient.Client{URL: rs.url + "/graphql"} }

// do posts a GraphQL operation with an optional bearer token.
func (rs *running) do(t *testing.T, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return rs.post(t, gqlclient.Request{Query: query, Variables: vars, Token: token})
}

// doWith posts a GraphQL operation with the headers that headers sets.
func (rs *running) doWith(t *testing.T, query string, vars map[string]any, headers func(http.Header)) gqlResponse {
	t.Helper()
	h := http.Header{}
	headers(h)
	return rs.post(t, gqlclient.Request{Query: query, Variables: vars, Header: h})
}

// post posts r and fails the test on no answer, a server error, or a 200
// that is not a GraphQL response; any other answer is the test's to judge.
func (rs *running) post(t *testing.T, r gqlclient.Request) gqlResponse {
	t.Helper()
	resp, err := rs.client().Do(context.Background(), r)
	if resp.Status == 0 {
		t.Fatalf("POST /graphql: %v", err)
	}
	if resp.Status >= 500 {
		t.Fatalf("server error %d: %s", resp.Status, resp.Body)
	}
	if err != nil && resp.Status == 200 {
		t.Fatalf("decode %s: %v", resp.Body, err)
	}
	return gqlResponse{Data: resp.Data, Errors: resp.Errors, status: resp.Status, header: resp.Header}
}

// must posts and fails the test on any GraphQL error, decoding data into v.
func (rs *running) must(t *testing.T, token, query string, vars map[string]any, v any) {
	t.Helper()
	if err := rs.client().Run(context.Background(), gqlclient.Request{Query: query, Variables: vars, Token: token}, v); err != nil {
		t.Fatalf("%s: %v", strings.Fields(query)[0:2], err)
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

// wsClient is a graphql-transport-ws socket of a test: it fails the test
// on any error.
type wsClient struct {
	t    *testing.T
	ctx  context.Context // bounds the socket's life
	sock *gqlclient.Socket
	conn *websocket.Conn // sock's connection, for tests that read its close
}

// wsReadTimeout bounds the wait for one WebSocket message: generous for a
// loaded machine (a mutation waits up to 30 s for its outcome).
const wsReadTimeout = 40 * time.Second

// ws opens a socket, with the token (if any) in connection_init.
func (rs *running) ws(t *testing.T, token string) *wsClient {
	t.Helper()
	return rs.wsWith(t, gqlclient.DialOptions{Token: token})
}

// wsWith opens a socket as o says, for a minute at most.
func (rs *running) wsWith(t *testing.T, o gqlclient.DialOptions) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	o.ReadTimeout = wsReadTimeout
	sock, err := gqlclient.Dial(ctx, rs.client().URL, o)
	if err != nil {
		t.Fatalf("websocket: %v", err)
	}
	t.Cleanup(func() { _ = sock.CloseNow() })
	return &wsClient{t: t, ctx: ctx, sock: sock, conn: sock.Conn()}
}

// read returns the next message, whatever its subscription.
func (c *wsClient) read() map[string]any {
	c.t.Helper()
	m, err := c.sock.Read(c.ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	return asMap(c.t, m)
}

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	if err := c.sock.Subscribe(c.ctx, id, query, vars); err != nil {
		c.t.Fatal(err)
	}
}

// nextFor returns the next message for subscription id, holding those of
// other subscriptions for their own readers.
func (c *wsClient) nextFor(id string) map[string]any {
	c.t.Helper()
	m, err := c.sock.NextFor(c.ctx, id)
	if err != nil {
		c.t.Fatal(err)
	}
	return asMap(c.t, m)
}

// next decodes the data of the next message for id, which must be "next"
// without errors, into v.
func (c *wsClient) next(id string, v any) {
	c.t.Helper()
	if err := c.sock.Next(c.ctx, id, v); err != nil {
		c.t.Fatal(err)
	}
}

// asMap is a message as the tests read it.
func asMap(t *testing.T, m gqlclient.Message) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(m.Raw, &out); err != nil {
		t.Fatalf("decode %s: %v", m.Raw, err)
	}
	return out
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

// waitSubscriptions waits until the gateway serves n subscriptions with
// open streams, so no event is published before a subscriber is there to
// get it. Over graphql-transport-ws, subscriptions share executions
// (groups), each one hub subscription; the other transports hold one hub
// subscription per subscriber.
func (rs *running) waitSubscriptions(t *testing.T, n int) {
	t.Helper()
	eventually(t, 30*time.Second, "subscriptions registered", func() bool {
		subscribers, executions := rs.handler.Subscriptions()
		return rs.hub.Count()-executions+subscribers >= n
	})
}
