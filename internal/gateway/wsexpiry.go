package gateway

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// A WebSocket outlives the token it was opened with. When that token
// expires the connection is closed with 4401 (graphql-transport-ws:
// Unauthorized) so the client knows to reconnect with a fresh token,
// instead of a plain close it would retry with the stale one.
//
// gqlgen closes a connection whose context ends with a normal closure, so
// the code is substituted where the close frame is written: wsState links
// the connection (made at upgrade) to the expiry (learnt at init).

const closeUnauthorized = 4401

type wsState struct{ expired atomic.Bool }

type wsStateKey struct{}

// withWSState gives every request a slot for the WebSocket's auth state.
func withWSState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), wsStateKey{}, &wsState{})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func wsStateOf(ctx context.Context) *wsState {
	s, _ := ctx.Value(wsStateKey{}).(*wsState)
	return s
}

// expireAt ends ctx when the token expires, marking the connection so its
// close frame says 4401.
func expireAt(ctx context.Context, at time.Time) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	st := wsStateOf(ctx)
	t := time.AfterFunc(time.Until(at), func() {
		if st != nil {
			st.expired.Store(true)
		}
		cancel()
	})
	go func() { <-ctx.Done(); t.Stop(); cancel() }()
	return ctx
}

// expiringImplementation wraps the WebSocket implementation so a close
// after expiry carries 4401.
type expiringImplementation struct {
	inner transport.WebsocketImplementation
}

func (e expiringImplementation) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := e.inner.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	return &expiringConn{WebsocketConn: conn, st: wsStateOf(r.Context())}, nil
}

type expiringConn struct {
	transport.WebsocketConn
	st *wsState
}

func (c *expiringConn) WriteClose(code int, msg string) error {
	if c.st != nil && c.st.expired.Load() {
		code, msg = closeUnauthorized, "token expired"
	}
	return c.WebsocketConn.WriteClose(code, msg)
}

// SetReadLimit keeps gqlgen's payload limit working through the wrapper.
func (c *expiringConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

// SetReadDeadline keeps gqlgen's pong timeout working through the wrapper.
func (c *expiringConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
