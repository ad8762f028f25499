package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
)

// guardedImplementation accepts WebSockets with coder/websocket like
// gqlgen's CoderWebsocketImplementation, and adds what that adapter cannot
// be given from outside: it writes with context.Background(), so a client
// that stops reading would hold a goroutine and its buffers for ever, and
// it passes every subscribe through, so ids are neither counted nor checked
// for reuse. Wrapping its conn from outside would not reach the write
// context, hence an adapter of our own at the message level.
type guardedImplementation struct {
	accept coderws.AcceptOptions
	limits WSLimits
	open   *openSockets
}

func (g guardedImplementation) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	for k, vs := range opts.ResponseHeader {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	ao := g.accept
	ao.Subprotocols = slices.Clone(ao.Subprotocols)
	for _, p := range opts.Subprotocols {
		if !slices.Contains(ao.Subprotocols, p) {
			ao.Subprotocols = append(ao.Subprotocols, p)
		}
	}
	conn, err := coderws.Accept(w, r, &ao)
	if err != nil {
		return nil, err
	}
	c := &guardedConn{conn: conn, limits: g.limits, ops: newOps(conn.Subprotocol(), g.limits.MaxSubscriptions), lastRead: time.Now(), open: g.open}
	if !g.open.add(c) {
		_ = conn.Close(coderws.StatusGoingAway, "server shutting down")
		return nil, errShuttingDown
	}
	if c.ops.legacy {
		c.mu.Lock()
		c.idle = time.AfterFunc(g.limits.IdleTimeout, c.checkIdle)
		c.mu.Unlock()
	}
	return c, nil
}

type guardedConn struct {
	conn   *coderws.Conn
	limits WSLimits
	ops    *ops
	open   *openSockets

	mu        sync.Mutex
	closing   bool
	readTimer *time.Timer
	idle      *time.Timer
	lastRead  time.Time
}

var (
	_ transport.WebsocketConn          = (*guardedConn)(nil)
	_ transport.WebsocketReadLimiter   = (*guardedConn)(nil)
	_ transport.WebsocketReadDeadliner = (*guardedConn)(nil)
)

// NextReader returns the next message gqlgen should see. Subscribes over
// the per-socket limit are answered here and never reach gqlgen; a reused
// id closes the socket (4409).
func (c *guardedConn) NextReader() (int, io.Reader, error) {
	for {
		typ, data, err := c.conn.Read(context.Background())
		if err != nil {
			switch coderws.CloseStatus(err) {
			case coderws.StatusNormalClosure, coderws.StatusNoStatusRcvd:
				return int(typ), nil, transport.ErrWebsocketClosed
			}
			return int(typ), nil, err
		}
		c.mu.Lock()
		c.lastRead = time.Now()
		c.mu.Unlock()
		switch v := c.ops.admit(data); v.verdict {
		case admitted:
			return int(typ), bytes.NewReader(data), nil
		case refused:
			if err := c.write(v.reply); err != nil {
				return int(typ), nil, err
			}
		case duplicate:
			c.closeWith(closeDuplicate, "Subscriber for "+closeReasonID(v.id)+" already exists")
			return int(typ), nil, transport.ErrWebsocketClosed
		}
	}
}

// WriteJSON writes under the write deadline; a client too slow for it is
// disconnected (coder/websocket closes the connection when the write
// context ends).
func (c *guardedConn) WriteJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.ops.sent(data)
	return c.write(data)
}

func (c *guardedConn) write(data []byte) error {
	c.mu.Lock()
	closing := c.closing
	c.mu.Unlock()
	if closing {
		// The close frame is on its way: nothing may follow it (at shutdown,
		// a "complete" would tell the client not to subscribe again).
		return transport.ErrWebsocketClosed
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.limits.WriteTimeout)
	defer cancel()
	if err := c.conn.Write(ctx, coderws.MessageText, data); err != nil {
		_ = c.conn.CloseNow()
		return err
	}
	return nil
}

// WriteClose starts the close handshake in the background, as gqlgen's
// adapter does (it may wait 5 s for the peer); only the first close counts.
func (c *guardedConn) WriteClose(code int, msg string) error {
	c.closeWith(code, msg)
	return nil
}

// errShuttingDown: a WebSocket opened while the gateway shuts down.
var errShuttingDown = errors.New("gateway: shutting down")

func (c *guardedConn) closeWith(code int, msg string) {
	c.closeAndNotify(code, msg, nil)
}

// closeAndNotify is closeWith that also reports, on done, when the close
// handshake is over (at once if another close began first).
func (c *guardedConn) closeAndNotify(code int, msg string, done func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopTimersLocked()
	if c.closing {
		if done != nil {
			done()
		}
		return
	}
	c.closing = true
	go func() {
		_ = c.conn.Close(coderws.StatusCode(code), msg)
		if done != nil {
			done()
		}
	}()
}

func (c *guardedConn) Close() error {
	c.open.remove(c)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopTimersLocked()
	if c.closing {
		return nil // the handshake goroutine owns the connection
	}
	c.closing = true
	return c.conn.CloseNow()
}

func (c *guardedConn) stopTimersLocked() {
	if c.readTimer != nil {
		c.readTimer.Stop()
		c.readTimer = nil
	}
	if c.idle != nil {
		c.idle.Stop()
	}
}

func (c *guardedConn) Subprotocol() string      { return c.conn.Subprotocol() }
func (c *guardedConn) SetReadLimit(limit int64) { c.conn.SetReadLimit(limit) }

// SetReadDeadline serves gqlgen's pong timeout: past the deadline the
// connection is closed, which ends the blocked read.
func (c *guardedConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.readTimer != nil {
		c.readTimer.Stop()
		c.readTimer = nil
	}
	if t.IsZero() {
		return nil
	}
	c.readTimer = time.AfterFunc(time.Until(t), func() { _ = c.conn.CloseNow() })
	return nil
}

// checkIdle closes a legacy graphql-ws socket that has carried no
// operation and no message for IdleTimeout: that protocol has no pings of
// its own, so an idle socket would otherwise hold its slot for ever.
func (c *guardedConn) checkIdle() {
	c.mu.Lock()
	idleFor := time.Since(c.lastRead)
	closing := c.closing
	c.mu.Unlock()
	if closing {
		return
	}
	if c.ops.count() == 0 && idleFor >= c.limits.IdleTimeout {
		c.closeWith(closeIdle, "idle timeout")
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		c.idle.Reset(c.limits.IdleTimeout)
	}
}
