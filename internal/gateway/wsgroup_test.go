package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// namedVerifier accepts any token as the person of that name.
type namedVerifier struct{}

func (namedVerifier) Verify(_ context.Context, token string) (caller.Identity, error) {
	return caller.Identity{PersonID: token, Roles: []string{caller.RoleUser}, ExpiresAt: time.Now().Add(time.Hour)}, nil
}

func startNamedGateway(t *testing.T) (*httptest.Server, testGateway) {
	t.Helper()
	st := memory.New()
	data, _ := json.Marshal(domain.PersonRegisteredData{PersonID: personA, Name: "Ann", Email: "ann@example.com"})
	if err := st.ApplyEvents(context.Background(), []domain.Event{{ID: "r", Type: domain.EvPersonRegistered,
		Subject: personA, At: time.Now(), CommandID: "c", Data: data}}); err != nil {
		t.Fatal(err)
	}
	return startGatewayWith(t, Config{}, st, namedVerifier{})
}

// dialAs opens a graphql-transport-ws socket as person (anonymous if "").
func dialAs(t *testing.T, srv *httptest.Server, person string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(8 << 20)
	t.Cleanup(func() { _ = c.CloseNow() })
	init := wsMsg{Type: "connection_init"}
	if person != "" {
		init.Payload = json.RawMessage(`{"Authorization":"Bearer ` + person + `"}`)
	}
	var ack wsMsg
	if err := wsjson.Write(ctx, c, init); err != nil || wsjson.Read(ctx, c, &ack) != nil || ack.Type != "connection_ack" {
		t.Fatalf("handshake as %q: %v %+v", person, err, ack)
	}
	return c
}

func subscribeWith(t *testing.T, c *websocket.Conn, id, query string, vars map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err := wsjson.Write(ctx, c, wsMsg{ID: id, Type: "subscribe", Payload: p}); err != nil {
		t.Fatal(err)
	}
}

// waitServed waits until the gateway serves subscribers subscriptions in
// executions hub subscriptions.
func waitServed(t *testing.T, h testGateway, subscribers, executions int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, e := h.gw.Subscriptions()
		if n == subscribers && e == executions && h.Count() == executions {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("serving %d subscriptions in %d executions (hub: %d), want %d in %d", n, e, h.Count(), subscribers, executions)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
}

// expectEvent reads c until the event ev arrives for id.
func expectEvent(t *testing.T, c *websocket.Conn, id, ev string) {
	t.Helper()
	m, err := next(t, c)
	if err != nil {
		t.Fatalf("waiting for %s on %s: %v", ev, id, err)
	}
	if m.Type != "next" || m.ID != id || !strings.Contains(string(m.Payload), `"id":"`+ev+`"`) {
		t.Fatalf("got %s %s %s, want event %s for %s", m.Type, m.ID, m.Payload, ev, id)
	}
}

const publicQuery = `subscription($p: ID!) { personEvents(personId: $p) { __typename id cursor ... on InterestAdded { person { id name } interest { name } } } }`

// TestPublicSubscriptionsShareOneExecution: subscribers of the same public
// selection, anonymous or signed in, are one hub subscription; each gets
// every event under its own id, and the execution ends with the last one.
func TestPublicSubscriptionsShareOneExecution(t *testing.T) {
	srv, h := startNamedGateway(t)
	kind := map[string]string{"kind": "person"}
	active := func() float64 { return metrics.Read("interestgraph_subscriptions_active", kind) }
	before := active()
	vars := map[string]any{"p": personA}
	a, b, c := dialAs(t, srv, ""), dialAs(t, srv, "bob"), dialAs(t, srv, "carol")
	subscribeWith(t, a, "a1", publicQuery, vars)
	subscribeWith(t, a, "a2", publicQuery, vars)
	subscribeWith(t, b, "b", publicQuery, vars)
	subscribeWith(t, c, "c", publicQuery, vars)
	waitServed(t, h, 4, 1)
	// The gauge counts subscribers, not executions.
	if got := active() - before; got != 4 {
		t.Fatalf("subscriptions_active{person} rose by %v, want 4", got)
	}
	h.Publish(interestAdded("e1"))
	seen := map[string]bool{}
	for range 2 {
		m, err := next(t, a)
		if err != nil || m.Type != "next" {
			t.Fatalf("socket a: %+v %v", m, err)
		}
		seen[m.ID] = true
	}
	if !seen["a1"] || !seen["a2"] {
		t.Fatalf("socket a got %v, want a1 and a2", seen)
	}
	expectEvent(t, b, "b", "e1")
	expectEvent(t, c, "c", "e1")

	// One leaves; the others go on.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, b, wsMsg{ID: "b", Type: "complete"}); err != nil {
		t.Fatal(err)
	}
	if m, err := next(t, b); err != nil || m.Type != "complete" || m.ID != "b" {
		t.Fatalf("after complete: %+v %v, want the server's complete", m, err)
	}
	waitServed(t, h, 3, 1)
	h.Publish(interestAdded("e2"))
	expectEvent(t, c, "c", "e2")

	if got := active() - before; got != 3 {
		t.Fatalf("subscriptions_active{person} is %v above the start with 3 subscribers", got)
	}
	_ = a.CloseNow()
	_ = c.CloseNow()
	waitServed(t, h, 0, 0)
	if got := active() - before; got != 0 {
		t.Fatalf("subscriptions_active{person} is %v above the start after the last left", got)
	}
}

// TestPrivateSelectionsShareOnlyWithTheSameCaller: a selection that may
// show a caller more than others (a profile field) is executed per caller:
// the person sees their own email, others do not.
func TestPrivateSelectionsShareOnlyWithTheSameCaller(t *testing.T) {
	srv, h := startNamedGateway(t)
	vars := map[string]any{"p": personA}
	private := `subscription($p: ID!) { personEvents(personId: $p) { id person { id email } } }`
	owner, owner2, bob, anon := dialAs(t, srv, personA), dialAs(t, srv, personA), dialAs(t, srv, "bob"), dialAs(t, srv, "")
	subscribeWith(t, owner, "o", private, vars)
	subscribeWith(t, owner2, "o2", private, vars)
	subscribeWith(t, bob, "b", private, vars)
	subscribeWith(t, anon, "x", private, vars)
	waitServed(t, h, 4, 3)
	h.Publish(interestAdded("e1"))
	for _, s := range []struct {
		c         *websocket.Conn
		id        string
		seesEmail bool
	}{{owner, "o", true}, {owner2, "o2", true}, {bob, "b", false}, {anon, "x", false}} {
		m, err := next(t, s.c)
		if err != nil || m.Type != "next" || m.ID != s.id || !strings.Contains(string(m.Payload), `"id":"e1"`) {
			t.Fatalf("%s: %+v %v, want event e1", s.id, m, err)
		}
		if got := strings.Contains(string(m.Payload), "ann@example.com"); got != s.seesEmail {
			t.Fatalf("%s sees the email: %v, want %v (%s)", s.id, got, s.seesEmail, m.Payload)
		}
	}

	// Another variable value is another execution, and so is another document.
	subscribeWith(t, anon, "y", publicQuery, map[string]any{"p": "0190d8a4-7a2b-7c3d-8e4f-000000000001"})
	subscribeWith(t, anon, "z", publicQuery, vars)
	subscribeWith(t, bob, "r", `subscription($p: ID!, $a: String) { personEvents(personId: $p, after: $a) { id } }`,
		map[string]any{"p": personA, "a": nil})
	waitServed(t, h, 7, 6)
}

// TestOneSlowSubscriberDoesNotHoldItsGroup: a subscriber that stops reading
// falls behind alone; the others of its execution get every event.
func TestOneSlowSubscriberDoesNotHoldItsGroup(t *testing.T) {
	srv, h := startNamedGateway(t)
	vars := map[string]any{"p": personA}
	slow, fast := dialAs(t, srv, ""), dialAs(t, srv, "")
	subscribeWith(t, slow, "s", publicQuery, vars)
	subscribeWith(t, fast, "f", publicQuery, vars)
	waitServed(t, h, 2, 1)
	// The reader keeps up: each event is published once it has read the
	// one before. The other reads nothing: 400 events of 64 KiB are more
	// than the loopback socket buffers and its queue hold.
	pad := strings.Repeat("p", 64<<10)
	const events = 400
	for i := range events {
		h.PublishAt(interestAdded(fmt.Sprint(i, pad)), 0, int64(i))
		m, err := next(t, fast)
		if err != nil || m.Type != "next" || !strings.Contains(string(m.Payload), fmt.Sprintf(`"id":"%d%s`, i, pad[:8])) {
			t.Fatalf("the reading subscriber, event %d: %.100s %v", i, m.Payload, err)
		}
	}
	// The slow one got what fitted, then its own error with its cursor.
	for n := 0; ; n++ {
		m, err := next(t, slow)
		if err != nil {
			t.Fatalf("slow subscriber after %d events: %v", n, err)
		}
		if strings.Contains(string(m.Payload), CodeFellBehind) {
			if n == 0 || n >= events {
				t.Fatalf("fell behind after %d events", n)
			}
			break
		}
	}
	waitServed(t, h, 1, 1)
}

// TestClientThatAsksFasterThanItReadsIsClosed: what a client makes the
// server queue besides events (here pongs echoing 900 KiB pings) is
// bounded too: past the bound the server closes the socket (1008, which a
// client that reads nothing may never see) and lets go of it.
func TestClientThatAsksFasterThanItReadsIsClosed(t *testing.T) {
	srv, _ := startGateway(t, WSLimits{WriteTimeout: time.Minute, MaxConnectionsPerAddress: 1})
	c := mustDial(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ping := []byte(`{"type":"ping","payload":{"pad":"` + strings.Repeat("x", 900<<10) + `"}}`)
	sent := 0
	for range 40 { // 36 MiB: more than the socket buffers and the queue hold
		if err := c.Write(ctx, websocket.MessageText, ping); err != nil {
			break // the server has closed
		}
		sent++
	}
	// One connection per address: a second one is admitted only once the
	// server has let go of the first, with the write timeout a minute away.
	waitSlotFreed(t, srv, 15*time.Second, fmt.Sprintf("after %d pings unread, the socket", sent))
	for n := 0; ; n++ {
		m, err := next(t, c)
		if err != nil {
			if s := websocket.CloseStatus(err); s != -1 && s != websocket.StatusPolicyViolation {
				t.Fatalf("after %d pongs: %v, want close 1008 or the connection cut", n, err)
			}
			return
		}
		if m.Type != "pong" || n >= 40 {
			t.Fatalf("after %d pongs: %s", n, m.Type)
		}
	}
}

// TestLongReusedIDStillClosesWith4409: a close reason is at most 123
// bytes; the id is shortened in it so the code still arrives.
func TestLongReusedIDStillClosesWith4409(t *testing.T) {
	srv, h := startGateway(t, WSLimits{})
	c := mustDial(t, srv)
	id := strings.Repeat("i", 200)
	subscribePerson(t, c, id)
	waitSubscribed(t, c, h, 1, id)
	subscribePerson(t, c, id)
	for {
		if _, err := next(t, c); err != nil {
			if websocket.CloseStatus(err) != 4409 {
				t.Fatalf("reused long id: %v, want close 4409", err)
			}
			return
		}
	}
}
