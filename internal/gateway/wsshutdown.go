package gateway

import (
	"net/http"
	"sync"
	"time"

	coderws "github.com/coder/websocket"
)

// openSockets holds the WebSockets a gateway serves, so that a shutdown
// can close each with 1001 (going away) before the subscriptions end:
// graphql-ws clients then reconnect to another gateway and subscribe
// again (with their last cursor, if the app passes it), whereas a
// "complete" would tell them the subscription is over for good.
type openSockets struct {
	mu     sync.Mutex
	conns  map[closableSocket]struct{}
	closed bool
}

// closableSocket is a socket of either WebSocket transport.
type closableSocket interface {
	// closeAndNotify closes with code and reason, and calls done (if
	// set) when the close handshake is over.
	closeAndNotify(code int, reason string, done func())
}

func newOpenSockets() *openSockets { return &openSockets{conns: map[closableSocket]struct{}{}} }

// add registers c; false when the gateway is shutting down.
func (o *openSockets) add(c closableSocket) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return false
	}
	o.conns[c] = struct{}{}
	return true
}

func (o *openSockets) remove(c closableSocket) {
	o.mu.Lock()
	delete(o.conns, c)
	o.mu.Unlock()
}

// closeWait bounds how long a shutdown waits for the close handshakes, so
// that the process does not exit before the close frames are out (the
// peer would see a dropped connection) yet a silent peer cannot hold it.
const closeWait = 2 * time.Second

// closeAll closes every socket with code and reason, refuses new ones, and
// waits up to closeWait for the handshakes.
func (o *openSockets) closeAll(code coderws.StatusCode, reason string) {
	o.mu.Lock()
	o.closed = true
	conns := make([]closableSocket, 0, len(o.conns))
	for c := range o.conns {
		conns = append(conns, c)
	}
	o.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(len(conns))
	for _, c := range conns {
		c.closeAndNotify(int(code), reason, wg.Done)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(closeWait):
	}
}

// Handler is the gateway's HTTP handler.
type Handler struct {
	http.Handler
	sockets *openSockets
	groups  *groups
}

// CloseSockets closes every open WebSocket with 1001 (going away) and
// reason, and refuses new ones; call it at shutdown before the hub ends
// the subscriptions.
func (h *Handler) CloseSockets(reason string) {
	h.sockets.closeAll(coderws.StatusGoingAway, reason)
}

// Subscriptions returns the graphql-transport-ws subscriptions whose
// streams are open, and the executions (groups) they share.
func (h *Handler) Subscriptions() (subscribers, executions int) {
	g, n := h.groups.count()
	return n, g
}
