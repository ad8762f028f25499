package gateway

import (
	"bufio"
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	coderws "github.com/coder/websocket"
)

// wsTransport serves graphql-transport-ws (the protocol of the graphql-ws
// library, GraphiQL and Apollo) itself; the legacy graphql-ws protocol
// stays with gqlgen's transport. It exists for fan-out: gqlgen's
// transport holds four goroutines per socket and subscription (reader,
// pinger, closer, executor) and executes and encodes every event once per
// subscriber, which at 10,000 subscribers of one person cost about 60 KiB
// a subscriber and most of the gateway's CPU. Here:
//   - a socket holds one goroutine, its reader, started afresh so that
//     the upgrade request's deep stack is let go; timers replace the ping
//     and expiry goroutines;
//   - writes go through a bounded queue per socket, drained by a
//     goroutine that lives only while the queue is not empty, under the
//     write deadline (wsout.go);
//   - subscriptions with the same operation, variables and visibility
//     are one execution, each event encoded once and framed per socket
//     (wsgroup.go).
type wsTransport struct {
	accept coderws.AcceptOptions
	limits WSLimits
	open   *openSockets
	groups *groups
	auth   initAuth
	erased *Erased // nil: no deleted persons to refuse
	log    *slog.Logger

	initTimeout  time.Duration // connection_init must come within it (4408)
	pingInterval time.Duration // the server pings; no pong for two intervals closes the socket
}

const protoTransportWS = "graphql-transport-ws"

var _ graphql.Transport = (*wsTransport)(nil)

// Supports claims upgrades that offer graphql-transport-ws; the others
// (graphql-ws, or no subprotocol) go on to gqlgen's transport.
func (t *wsTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") == "" {
		return false
	}
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			if strings.TrimSpace(p) == protoTransportWS {
				return true
			}
		}
	}
	return false
}

func (t *wsTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ao := t.accept
	ao.Subprotocols = []string{protoTransportWS}
	tap := &hijackTap{ResponseWriter: w}
	conn, err := coderws.Accept(tap, r, &ao)
	if err != nil {
		return // Accept has answered the request
	}
	conn.SetReadLimit(maxWSMessage) // larger messages close the socket with 1009
	// The socket outlives this handler: its context keeps the request's
	// values (caller, client address, trace) but not its cancellation.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	s := &wsSocket{t: t, conn: conn, netConn: tap.conn, exec: exec, ctx: ctx, opCtx: ctx, cancel: cancel,
		headers: r.Header.Clone(), ops: map[string]*wsOp{}, release: takeSlot(r.Context())}
	if !t.open.add(s) {
		_ = conn.Close(coderws.StatusGoingAway, "server shutting down")
		cancel()
		s.release()
		return
	}
	s.mu.Lock()
	s.initTimer = time.AfterFunc(t.initTimeout, s.initTimedOut)
	// The first ping comes at a random point of the first interval: the
	// sockets of a crowd that connected at once (a reconnect after a
	// deploy, a benchmark) would otherwise be pinged, and answer, at once
	// forever, each time delaying the events of that moment.
	s.pingTimer = time.AfterFunc(t.pingInterval/2+rand.N(t.pingInterval/2), s.ping)
	s.mu.Unlock()
	go s.serve()
}

// hijackTap keeps the connection coder/websocket hijacks, so that writes
// get their deadline from the connection: a deadline given to
// coder/websocket as a context costs a timer and a context per message,
// a tenth of the gateway's CPU in a fan-out.
type hijackTap struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackTap) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, brw, err
}
