package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/hub"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/resolvers"
)

// The gateway under test serves subscriptions from a hub the test feeds
// directly; nothing else is needed for the WebSocket limits.

type nopSender struct{}

func (nopSender) SendCommand(context.Context, domain.Command) error { return nil }

type nopIdentity struct{}

var errNo = errors.New("not in this test")

func (nopIdentity) Register(context.Context, string, string, string) (app.SignIn, error) {
	return app.SignIn{}, errNo
}
func (nopIdentity) Login(context.Context, string, string) (app.SignIn, error) {
	return app.SignIn{}, errNo
}
func (nopIdentity) Refresh(context.Context, string) (app.SignIn, error) {
	return app.SignIn{}, errNo
}
func (nopIdentity) Logout(context.Context, string) error                { return errNo }
func (nopIdentity) Abandon(context.Context, string) error               { return errNo }
func (nopIdentity) CheckPassword(context.Context, string, string) error { return errNo }
func (nopIdentity) External(context.Context, string, string) (app.SignIn, error) {
	return app.SignIn{}, errNo
}

type nopVerifier struct{}

func (nopVerifier) Verify(context.Context, string) (caller.Identity, error) {
	return caller.Identity{}, errNo
}

// testGateway is the hub the test feeds and the gateway it serves.
type testGateway struct {
	*hub.Hub
	gw *Handler
}

// subscribers counts the subscriptions whose streams are open: over
// graphql-transport-ws, those of the gateway's groups; over the other
// transports, one hub subscription each.
func (g testGateway) subscribers() int {
	n, executions := g.gw.Subscriptions()
	return g.Count() - executions + n
}

func startGateway(t *testing.T, ws WSLimits) (*httptest.Server, testGateway) {
	t.Helper()
	return startGatewayWith(t, Config{WS: ws}, memory.New(), nopVerifier{})
}

// startGatewayWith serves a gateway over store st, its tokens checked by v,
// its subscriptions fed by a hub the test publishes to.
func startGatewayWith(t *testing.T, cfg Config, st *memory.Store, v Verifier) (*httptest.Server, testGateway) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := hub.New(4096, log)
	a, err := app.New(app.Config{}, nopSender{}, app.NewWaiter(), st, nopIdentity{}, h)
	if err != nil {
		t.Fatal(err)
	}
	gw := NewHandler(cfg, Deps{
		Resolvers: &resolvers.Resolver{App: a, Log: log},
		Verifier:  v, Ready: func(context.Context) error { return nil }, Log: log,
	})
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	t.Cleanup(h.CloseAll)
	return srv, testGateway{Hub: h, gw: gw}
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dial opens a graphql-transport-ws socket and completes its handshake.
func dial(t *testing.T, srv *httptest.Server) (*websocket.Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(8 << 20)
	t.Cleanup(func() { _ = c.CloseNow() })
	if err := wsjson.Write(ctx, c, wsMsg{Type: "connection_init"}); err != nil {
		return nil, err
	}
	var ack wsMsg
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack.Type != "connection_ack" {
		return nil, fmt.Errorf("handshake: %v %+v", err, ack)
	}
	return c, nil
}

func mustDial(t *testing.T, srv *httptest.Server) *websocket.Conn {
	t.Helper()
	c, err := dial(t, srv)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const personA = "0190d8a4-7a2b-7c3d-8e4f-5a6b7c8d9e0f"

func subscribePerson(t *testing.T, c *websocket.Conn, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, _ := json.Marshal(map[string]any{"query": `subscription($p: ID!) { personEvents(personId: $p) { id } }`,
		"variables": map[string]string{"p": personA}})
	if err := wsjson.Write(ctx, c, wsMsg{ID: id, Type: "subscribe", Payload: p}); err != nil {
		t.Fatalf("subscribe %s: %v", id, err)
	}
}

// next reads the next message, failing the test after a deadline. The
// deadline closes the socket (coder/websocket), so a test ends there.
func next(t *testing.T, c *websocket.Conn) (wsMsg, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var m wsMsg
	err := wsjson.Read(ctx, c, &m)
	return m, err
}

func interestAdded(id string) domain.Event {
	return domain.Event{ID: id, Type: domain.EvInterestAdded, Subject: personA, At: time.Now(), CommandID: "c",
		Data: json.RawMessage(`{"personId":"` + personA + `","interest":"go"}`)}
}

// waitSubscribed waits until the gateway serves n subscriptions, publishes one
// event and waits until every id in ids has received it.
func waitSubscribed(t *testing.T, c *websocket.Conn, h testGateway, n int, ids ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.subscribers() != n {
		if time.Now().After(deadline) {
			t.Fatalf("the gateway serves %d subscriptions, want %d", h.subscribers(), n)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	h.Publish(interestAdded("marker"))
	for len(want) > 0 {
		m, err := next(t, c)
		if err != nil {
			t.Fatalf("waiting for %v: %v", want, err)
		}
		if m.Type != "next" {
			t.Fatalf("unexpected %+v", m)
		}
		delete(want, m.ID)
	}
}

func TestSubscriptionsPerSocketAreLimited(t *testing.T) {
	srv, h := startGateway(t, WSLimits{MaxSubscriptions: 50})
	c := mustDial(t, srv)
	var ids []string
	for i := range 50 {
		ids = append(ids, fmt.Sprint(i))
		subscribePerson(t, c, ids[i])
	}
	subscribePerson(t, c, "over")
	m, err := next(t, c)
	if err != nil {
		t.Fatalf("51st subscription: no answer: %v", err)
	}
	if m.Type != "error" || m.ID != "over" || !strings.Contains(string(m.Payload), `"code":"SUBSCRIPTION_LIMIT"`) {
		t.Fatalf("51st subscription: got %s %s %s, want error SUBSCRIPTION_LIMIT", m.Type, m.ID, m.Payload)
	}
	// The socket stays open and the 50 keep working.
	waitSubscribed(t, c, h, 50, ids...)

	// Completing one frees its slot once the server confirms it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, c, wsMsg{ID: "0", Type: "complete"}); err != nil {
		t.Fatal(err)
	}
	for {
		m, err := next(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type == "complete" && m.ID == "0" {
			break
		}
	}
	// The server may confirm before the hub lets go of the subscription;
	// until it has, a count of 50 would not prove "again" is registered.
	deadline := time.Now().Add(10 * time.Second)
	for h.subscribers() != 49 {
		if time.Now().After(deadline) {
			t.Fatalf("the gateway serves %d subscriptions after a complete, want 49", h.subscribers())
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
	subscribePerson(t, c, "again")
	waitSubscribed(t, c, h, 50, append(ids[1:], "again")...)
}

func TestReusedSubscriptionIDClosesWith4409(t *testing.T) {
	srv, h := startGateway(t, WSLimits{})
	c := mustDial(t, srv)
	subscribePerson(t, c, "dup")
	waitSubscribed(t, c, h, 1, "dup")
	subscribePerson(t, c, "dup")
	for {
		_, err := next(t, c)
		if err == nil {
			continue
		}
		if websocket.CloseStatus(err) != 4409 {
			t.Fatalf("reused id: %v, want close 4409", err)
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) && ce.Reason != "Subscriber for dup already exists" {
			t.Fatalf("close reason %q", ce.Reason)
		}
		return
	}
}

func TestSubscriptionOverPOSTIsRefusedAtOnce(t *testing.T) {
	srv, _ := startGateway(t, WSLimits{})
	client := &http.Client{Timeout: 5 * time.Second}
	body := `{"query":"subscription { personEvents(personId: \"` + personA + `\") { id } }"}`
	resp, err := client.Post(srv.URL+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST subscription: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != CodeBadRequest {
		t.Fatalf("got %+v, want one %s error", out, CodeBadRequest)
	}
}

func TestMessageOver1MiBClosesWith1009(t *testing.T) {
	srv, _ := startGateway(t, WSLimits{})
	c := mustDial(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	big := `{"type":"ping","payload":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
	// The server may close before the whole message is written.
	_ = c.Write(ctx, websocket.MessageText, []byte(big))
	_, err := next(t, c)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Fatalf("2 MiB message: %v, want close 1009", err)
	}
}

func TestClientThatStopsReadingIsDisconnected(t *testing.T) {
	srv, h := startGateway(t, WSLimits{MaxConnectionsPerAddress: 1, WriteTimeout: 300 * time.Millisecond})
	c := mustDial(t, srv)
	subscribePerson(t, c, "slow")
	waitSubscribed(t, c, h, 1, "slow")
	// The client reads no more. A subscription falls behind (and ends)
	// once a megabyte waits for its client, while the kernel's autotuned
	// socket buffers may take several: so each round subscribes again and
	// publishes more, until the server's writes block past the deadline.
	pad := strings.Repeat("p", 64<<10)
	for round := 0; !slotFreed(t, srv, time.Second); round++ {
		if round == 64 {
			t.Fatalf("the stalled socket still holds its slot after %d MiB published", round*40*64>>10)
		}
		if round > 0 {
			p, _ := json.Marshal(map[string]any{"query": `subscription($p: ID!) { personEvents(personId: $p) { id } }`,
				"variables": map[string]string{"p": personA}})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := wsjson.Write(ctx, c, wsMsg{ID: fmt.Sprint("slow", round), Type: "subscribe", Payload: p})
			cancel()
			if errors.Is(err, context.DeadlineExceeded) {
				// coder/websocket closes a socket whose write timed out:
				// that would free the slot without the server's doing.
				t.Fatalf("round %d: the server stopped reading the client's messages", round)
			}
			if err != nil {
				continue // closed by the server meanwhile
			}
			for deadline := time.Now().Add(2 * time.Second); h.subscribers() == 0 && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
			}
		}
		for i := range 40 {
			h.Publish(interestAdded(fmt.Sprint(round, i, pad)))
		}
	}
	// What was buffered arrives (events, and the ends of the
	// subscriptions that fell behind: their error, then complete), then the
	// socket is closed; no subscription is completed otherwise.
	fellBehind := map[string]bool{}
	for n := 0; ; n++ {
		m, err := next(t, c)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("after %d messages: socket still open", n)
			}
			return
		}
		switch {
		case m.Type == "next": // an event, or the end of one that fell behind
			if strings.Contains(string(m.Payload), CodeFellBehind) {
				fellBehind[m.ID] = true
			}
		case m.Type == "complete" && fellBehind[m.ID]:
		default:
			t.Fatalf("after %d messages: %s %s, want the socket closed", n, m.Type, m.Payload)
		}
	}
}

// slotFreed reports whether srv accepts another socket from this address
// within the given time.
func slotFreed(t *testing.T, srv *httptest.Server, within time.Duration) bool {
	t.Helper()
	for deadline := time.Now().Add(within); ; {
		if c, err := dial(t, srv); err == nil {
			_ = c.CloseNow()
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronisation
	}
}

// TestTrailingBytesDoNotDodgeTheLimits: gqlgen reads the first JSON value of
// a message and ignores what follows, so a subscribe with trailing bytes is
// a subscribe: it counts toward the socket's limit, and a reused id with
// trailing bytes still closes the socket with 4409.
func TestTrailingBytesDoNotDodgeTheLimits(t *testing.T) {
	srv, h := startGateway(t, WSLimits{MaxSubscriptions: 2})
	c := mustDial(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, _ := json.Marshal(map[string]any{"query": `subscription($p: ID!) { personEvents(personId: $p) { id } }`,
		"variables": map[string]string{"p": personA}})
	send := func(id string) {
		t.Helper()
		if err := c.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf(`{"id":%q,"type":"subscribe","payload":%s} x`, id, p))); err != nil {
			t.Fatal(err)
		}
	}
	send("a")
	send("b")
	send("c")
	m, err := next(t, c)
	if err != nil || m.Type != "error" || m.ID != "c" || !strings.Contains(string(m.Payload), CodeSubscriptionLimit) {
		t.Fatalf("third subscribe with trailing bytes: %+v %v, want SUBSCRIPTION_LIMIT", m, err)
	}
	waitSubscribed(t, c, h, 2, "a", "b")
	send("a")
	for {
		if _, err := next(t, c); err != nil {
			if websocket.CloseStatus(err) != 4409 {
				t.Fatalf("reused id with trailing bytes: %v, want close 4409", err)
			}
			return
		}
	}
}

// TestShutdownClosesSocketsGoingAwayWithoutComplete: at shutdown every
// socket gets 1001 and no "complete" for its subscriptions, which would
// tell a graphql-ws client not to subscribe again on another gateway.
func TestShutdownClosesSocketsGoingAwayWithoutComplete(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := hub.New(4096, log)
	a, err := app.New(app.Config{}, nopSender{}, app.NewWaiter(), memory.New(), nopIdentity{}, h)
	if err != nil {
		t.Fatal(err)
	}
	gw := NewHandler(Config{}, Deps{Resolvers: &resolvers.Resolver{App: a, Log: log},
		Verifier: nopVerifier{}, Ready: func(context.Context) error { return nil }, Log: log})
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	c := mustDial(t, srv)
	subscribePerson(t, c, "s")
	waitSubscribed(t, c, testGateway{Hub: h, gw: gw}, 1, "s")

	gw.CloseSockets("server shutting down")
	h.CloseAll() // as the service does right after: must not reach the client
	for {
		m, err := next(t, c)
		if err == nil {
			if m.Type == "complete" {
				t.Fatalf("got complete for %s before the close frame", m.ID)
			}
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway || ce.Reason != "server shutting down" {
			t.Fatalf("socket ended with %v, want close 1001 \"server shutting down\"", err)
		}
		break
	}
	if _, err := dial(t, srv); err == nil {
		t.Fatal("a new socket was accepted after the shutdown began")
	}
}

// waitSlotFreed waits until a gateway that admits one connection per
// address admits another: the server has let go of the one before.
func waitSlotFreed(t *testing.T, srv *httptest.Server, within time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c2, err := dial(t, srv)
		if err == nil {
			_ = c2.CloseNow()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still holds its slot: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronisation
	}
}
