package gateway

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

func TestSocketsPerAddressAreRefusedWithACodedBody(t *testing.T) {
	srv, _ := startGateway(t, WSLimits{MaxConnectionsPerAddress: 1})
	mustDial(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err == nil || resp == nil {
		t.Fatalf("second socket from one address admitted (err %v)", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), `"code":"SUBSCRIPTION_LIMIT"`) {
		t.Fatalf("refusal: %d %s", resp.StatusCode, body)
	}
}

func TestSocketTableIsBoundedByTheGlobalCap(t *testing.T) {
	s := newSockets(WSLimits{MaxConnections: 3, MaxConnectionsPerAddress: 2})
	admitted := 0
	for i := range 10_000 {
		if s.acquire(strings.Repeat("a", i%50) + string(rune('0'+i%10))) {
			admitted++
		}
	}
	if admitted != 3 || len(s.perAddr) > 3 {
		t.Fatalf("admitted %d, table %d entries; want 3 and at most 3", admitted, len(s.perAddr))
	}
	if s.acquire("a-new-address") {
		t.Fatal("a new address admitted over the global cap")
	}
	for a, n := range s.perAddr {
		for range n {
			s.release(a)
		}
	}
	if len(s.perAddr) != 0 || s.total != 0 {
		t.Fatalf("after release: %d entries, total %d", len(s.perAddr), s.total)
	}
}

func TestLegacyProtocolSocketIsClosedWhenIdle(t *testing.T) {
	srv, _ := startGateway(t, WSLimits{IdleTimeout: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := wsjson.Write(ctx, c, wsMsg{Type: "connection_init"}); err != nil {
		t.Fatal(err)
	}
	for {
		var m wsMsg
		err := wsjson.Read(ctx, c, &m)
		if err == nil {
			continue // connection_ack, keep-alives
		}
		if websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Fatalf("idle legacy socket: %v, want close 1001", err)
		}
		return
	}
}
