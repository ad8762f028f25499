package gateway

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Stable codes of the WebSocket limits (see errors.go for the others).
const (
	// CodeSubscriptionLimit refuses a subscription or a socket over a limit.
	CodeSubscriptionLimit = "SUBSCRIPTION_LIMIT"
)

// maxWSMessage is the largest message a client may send (1 MiB); a
// variable because gqlgen takes its address.
var maxWSMessage int64 = 1 << 20

// WSLimits bound what WebSocket clients may hold, so that one client cannot
// exhaust a gateway. Zero fields take DefaultWSLimits' values.
type WSLimits struct {
	MaxSubscriptions         int           // active operations per socket
	MaxConnectionsPerAddress int           // sockets per client address
	MaxConnections           int           // sockets per gateway
	WriteTimeout             time.Duration // a write that takes longer closes the socket
	IdleTimeout              time.Duration // legacy graphql-ws: closed after this long without an operation or a message
}

// DefaultWSLimits apply to fields left zero.
var DefaultWSLimits = WSLimits{MaxSubscriptions: 50, MaxConnectionsPerAddress: 1000, MaxConnections: 10_000,
	WriteTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}

func (l WSLimits) withDefaults() WSLimits {
	d := DefaultWSLimits
	if l.MaxSubscriptions > 0 {
		d.MaxSubscriptions = l.MaxSubscriptions
	}
	if l.MaxConnectionsPerAddress > 0 {
		d.MaxConnectionsPerAddress = l.MaxConnectionsPerAddress
	}
	if l.MaxConnections > 0 {
		d.MaxConnections = l.MaxConnections
	}
	if l.WriteTimeout > 0 {
		d.WriteTimeout = l.WriteTimeout
	}
	if l.IdleTimeout > 0 {
		d.IdleTimeout = l.IdleTimeout
	}
	return d
}

// sockets counts open WebSockets per client address and in all. The table
// holds only addresses with an open socket, so it never has more entries
// than the global cap.
type sockets struct {
	mu      sync.Mutex
	total   int
	perAddr map[string]int
	l       WSLimits
}

func newSockets(l WSLimits) *sockets { return &sockets{perAddr: map[string]int{}, l: l} }

func (s *sockets) acquire(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.total >= s.l.MaxConnections || s.perAddr[addr] >= s.l.MaxConnectionsPerAddress {
		return false
	}
	s.total++
	s.perAddr[addr]++
	return true
}

func (s *sockets) release(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.perAddr[addr]--; s.perAddr[addr] <= 0 {
		delete(s.perAddr, addr)
	}
}

// tooManySockets is the answer before the upgrade: a client library sees
// an HTTP error with a body it can read, not a socket that dies.
const tooManySockets = `{"errors":[{"message":"too many WebSocket connections; close one and retry","extensions":{"code":"` +
	CodeSubscriptionLimit + `"}}]}`

type streamingKey struct{}

// admitSockets caps WebSocket upgrades (the same test as gqlgen's
// transport: an Upgrade header) and server-sent event streams, and marks every other request as one that
// cannot stream, for refuseUnstreamable.
func admitSockets(s *sockets, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Server-sent event streams are as long-lived as sockets: the same
		// limits count them.
		if r.Header.Get("Upgrade") == "" && !isSSE(r) {
			next.ServeHTTP(w, r)
			return
		}
		addr := clientKey(r.RemoteAddr)
		if !s.acquire(addr) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", strconv.Itoa(5))
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(tooManySockets))
			return
		}
		// gqlgen's transport and the SSE stream return when they end; the
		// graphql-transport-ws socket outlives the handler and takes the
		// slot with it (takeSlot).
		slot := &heldSlot{release: func() { s.release(addr) }}
		defer slot.releaseUnlessTaken()
		ctx := context.WithValue(context.WithValue(r.Context(), streamingKey{}, true), heldSlotKey{}, slot)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// heldSlot is a request's place among the open sockets.
type heldSlot struct {
	mu      sync.Mutex
	taken   bool
	release func()
}

type heldSlotKey struct{}

func (h *heldSlot) releaseUnlessTaken() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.taken {
		h.release()
	}
}

// takeSlot hands the request's slot to a socket that outlives the
// handler; the socket calls the function returned, once, when it ends.
func takeSlot(ctx context.Context) func() {
	h, _ := ctx.Value(heldSlotKey{}).(*heldSlot)
	if h == nil {
		return func() {}
	}
	h.mu.Lock()
	h.taken = true
	h.mu.Unlock()
	var once sync.Once
	return func() { once.Do(h.release) }
}

// refuseUnstreamable answers a subscription sent over plain HTTP at once:
// gqlgen's POST transport would otherwise wait for its first event.
type refuseUnstreamable struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = refuseUnstreamable{}

func (refuseUnstreamable) ExtensionName() string                   { return "RefuseUnstreamable" }
func (refuseUnstreamable) Validate(graphql.ExecutableSchema) error { return nil }
func (refuseUnstreamable) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return nil
	}
	if streaming, _ := ctx.Value(streamingKey{}).(bool); streaming {
		return nil
	}
	if overGET, _ := ctx.Value(overGETKey{}).(bool); overGET {
		return nil // getTransport answers 405 with Allow: POST
	}
	return &gqlerror.Error{Message: "subscriptions need a WebSocket (graphql-transport-ws)",
		Extensions: map[string]any{"code": CodeBadRequest}}
}
