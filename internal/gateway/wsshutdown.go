package gateway

import (
	"net/http"
	"sync"

	coderws "github.com/coder/websocket"
)

// openSockets holds the WebSockets a gateway serves, so that a shutdown
// can close each with 1001 (going away) before the subscriptions end:
// graphql-ws clients then reconnect to another gateway and subscribe
// again (with their last cursor, if the app passes it), whereas a
// "complete" would tell them the subscription is over for good.
type openSockets struct {
	mu     sync.Mutex
	conns  map[*guardedConn]struct{}
	closed bool
}

func newOpenSockets() *openSockets { return &openSockets{conns: map[*guardedConn]struct{}{}} }

// add registers c; false when the gateway is shutting down.
func (o *openSockets) add(c *guardedConn) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return false
	}
	o.conns[c] = struct{}{}
	return true
}

func (o *openSockets) remove(c *guardedConn) {
	o.mu.Lock()
	delete(o.conns, c)
	o.mu.Unlock()
}

// closeAll closes every socket with code and reason and refuses new ones.
func (o *openSockets) closeAll(code coderws.StatusCode, reason string) {
	o.mu.Lock()
	o.closed = true
	conns := make([]*guardedConn, 0, len(o.conns))
	for c := range o.conns {
		conns = append(conns, c)
	}
	o.mu.Unlock()
	for _, c := range conns {
		c.closeWith(int(code), reason)
	}
}

// Handler is the gateway's HTTP handler.
type Handler struct {
	http.Handler
	sockets *openSockets
}

// CloseSockets closes every open WebSocket with 1001 (going away) and
// reason, and refuses new ones; call it at shutdown before the hub ends
// the subscriptions.
func (h *Handler) CloseSockets(reason string) {
	h.sockets.closeAll(coderws.StatusGoingAway, reason)
}
