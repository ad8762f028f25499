package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/interestgraph/interestgraph/internal/caller"
)

// Close codes of graphql-transport-ws.
const (
	closeBadMessage   = 4400
	closeInitTimeout  = 4408
	closeTooManyInits = 4429
)

// wsSocket is one graphql-transport-ws connection.
type wsSocket struct {
	t       *wsTransport
	conn    *coderws.Conn
	netConn net.Conn // under conn, for write deadlines; nil if unknown
	exec    graphql.GraphExecutor
	ctx     context.Context // ends when the socket does
	cancel  context.CancelFunc
	headers http.Header
	release func() // gives back the socket's slot (admitSockets)

	mu                           sync.Mutex
	opCtx                        context.Context // ctx with the caller of connection_init
	initState                    int             // 0 nothing yet, 1 connection_init being checked, 2 acknowledged
	closing                      bool            // a close has begun: nothing more is written
	ops                          map[string]*wsOp
	awaitPong                    bool
	out                          outbox
	initTimer, pingTimer, expiry *time.Timer
}

// wsOp is one operation of a socket, by its client's id.
type wsOp struct {
	s      *wsSocket
	id     string
	head   []byte             // `{"id":…,"type":"next","payload":` for this id
	cancel context.CancelFunc // a query or mutation: stops it
	group  *group             // a subscription: the execution it shares
	last   string             // cursor of the last event queued for it (under its group's lock)
}

// wsMessage is a message of the protocol.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// serve reads the socket until it ends, then lets go of everything the
// socket holds.
func (s *wsSocket) serve() {
	defer s.cleanup()
	for {
		_, data, err := s.conn.Read(s.ctx)
		if err != nil {
			return
		}
		s.mu.Lock()
		closing := s.closing
		s.mu.Unlock()
		if closing {
			// A close has begun (a timer, the shutdown, a failed write):
			// nothing more is started, and the socket keeps its slot
			// until the handshake ends the read.
			continue
		}
		var m wsMessage
		// The first JSON value is the message, whatever follows, as
		// gqlgen and graphql-ws read it.
		if json.NewDecoder(bytes.NewReader(data)).Decode(&m) != nil {
			s.closeWith(closeBadMessage, "Invalid message received")
			return
		}
		if !s.handle(m) {
			return
		}
	}
}

// handle acts on one message; false when the socket is to end.
func (s *wsSocket) handle(m wsMessage) bool {
	switch m.Type {
	case "connection_init":
		return s.init(m.Payload)
	case "ping":
		payload := m.Payload
		if len(payload) == 0 || payload[0] != '{' {
			payload = nil
		}
		s.send(control("pong", "", payload))
	case "pong":
		s.mu.Lock()
		s.awaitPong = false
		s.mu.Unlock()
	case "subscribe":
		return s.subscribe(m)
	case "complete":
		s.stop(m.ID)
	default:
		s.closeWith(closeBadMessage, "Invalid message received")
		return false
	}
	return true
}

// init authenticates the socket (initAuth) and acknowledges it.
func (s *wsSocket) init(payload json.RawMessage) bool {
	s.mu.Lock()
	again := s.initState != 0
	s.initState = 1
	s.mu.Unlock()
	if again {
		s.closeWith(closeTooManyInits, "Too many initialisation requests")
		return false
	}
	var p map[string]any
	_ = json.Unmarshal(payload, &p) // anything but an object carries no token
	ctx, expires, refusal := s.t.auth.identify(s.ctx, p)
	if refusal != nil {
		s.closeWith(refusal.code, refusal.reason)
		return false
	}
	s.mu.Lock()
	s.opCtx, s.initState = ctx, 2
	if s.initTimer != nil {
		s.initTimer.Stop()
	}
	if !expires.IsZero() && !s.closing {
		// The socket must not outlive its token: 4401, the client
		// reconnects with a fresh one.
		s.expiry = time.AfterFunc(time.Until(expires), func() { s.closeWith(closeUnauthorized, "token expired") })
	}
	s.mu.Unlock()
	s.send(control("connection_ack", "", nil))
	return true
}

func (s *wsSocket) initTimedOut() {
	s.mu.Lock()
	done := s.initState == 2
	s.mu.Unlock()
	if !done {
		s.closeWith(closeInitTimeout, "Connection initialisation timeout")
	}
}

// ping sends the server's ping; a client that has not answered the one
// before is gone or broken, and its socket is closed (1001: it may
// reconnect).
func (s *wsSocket) ping() {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return
	}
	missed := s.awaitPong
	s.awaitPong = true
	s.pingTimer.Reset(s.t.pingInterval)
	s.mu.Unlock()
	if missed {
		s.closeWith(int(coderws.StatusGoingAway), "no pong")
		return
	}
	s.send(control("ping", "", nil))
}

// subscribe admits and starts an operation: a subscription joins its
// group, a query or mutation runs on its own.
func (s *wsSocket) subscribe(m wsMessage) bool {
	s.mu.Lock()
	switch {
	case s.closing:
		s.mu.Unlock()
		return true // the read ends with the handshake
	case s.initState != 2:
		s.mu.Unlock()
		s.closeWith(closeUnauthorized, "Unauthorized")
		return false
	case m.ID == "":
		s.mu.Unlock()
		s.closeWith(closeBadMessage, "Invalid message received: subscribe without an id")
		return false
	case s.ops[m.ID] != nil:
		s.mu.Unlock()
		s.closeWith(closeDuplicate, "Subscriber for "+closeReasonID(m.ID)+" already exists")
		return false
	case len(s.ops) >= s.t.limits.MaxSubscriptions:
		s.mu.Unlock()
		s.send(errorFrame(m.ID, gqlerror.List{{
			Message:    fmt.Sprintf("at most %d active subscriptions per connection", s.t.limits.MaxSubscriptions),
			Extensions: map[string]any{"code": CodeSubscriptionLimit}}}))
		return true
	}
	quoted, _ := json.Marshal(m.ID)
	op := &wsOp{s: s, id: m.ID, head: []byte(`{"id":` + string(quoted) + `,"type":"next","payload":`)}
	s.ops[m.ID] = op
	ctx := s.opCtx
	s.mu.Unlock()
	s.start(ctx, op, m.Payload)
	return true
}

// start checks the operation and runs it, answering what cannot run as
// gqlgen's transport does: a malformed or invalid document is an error
// message, any other refusal a response and complete.
func (s *wsSocket) start(ctx context.Context, op *wsOp, payload json.RawMessage) {
	begin := graphql.Now()
	params := &graphql.RawParams{}
	if err := json.NewDecoder(bytes.NewReader(payload)).Decode(params); err != nil {
		s.fail(op, gqlerror.List{{Message: "invalid json"}})
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: begin, End: graphql.Now()}
	params.Headers = s.headers
	ctx = graphql.StartOperationTrace(ctx)
	rc, errs := s.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := s.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			s.fail(op, resp.Errors)
			return
		}
		s.next(op, resp)
		s.finish(op, classAsked)
		return
	}
	if id, ok := caller.FromContext(ctx); ok && s.t.erased != nil && s.t.erased.Has(id.PersonID) {
		// A shared execution runs as nobody: each subscriber is checked here.
		s.next(op, &graphql.Response{Errors: gqlerror.List{{Message: "this account was deleted",
			Extensions: map[string]any{"code": CodeUnauthenticated}}}})
		s.finish(op, classAsked)
		return
	}
	if rc.Operation.Operation == ast.Subscription {
		s.t.groups.join(ctx, op, rc)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	op.cancel = cancel
	s.mu.Unlock()
	go s.runOnce(ctx, op, rc)
}

// runOnce runs a query or mutation sent over the socket.
func (s *wsSocket) runOnce(ctx context.Context, op *wsOp, rc *graphql.OperationContext) {
	defer op.cancel()
	defer func() {
		last := []frame{control("complete", op.id, nil)}
		if r := recover(); r != nil {
			s.t.log.ErrorContext(ctx, "websocket operation panicked", "panic", fmt.Sprint(r))
			last = append([]frame{op.nextFrame(internalError())}, last...)
		}
		s.end(op, classFinal, last...)
	}()
	responses, ctx := s.exec.DispatchOperation(ctx, rc)
	for {
		resp := responses(ctx)
		if resp == nil {
			return
		}
		if !s.sendAnswer(ctx, op.nextFrame(encodeResponse(ctx, s.t.log, resp))) {
			return
		}
	}
}

// stop ends the client's operation id (its complete); the server
// confirms with complete once the operation has let go, which frees the
// id.
func (s *wsSocket) stop(id string) {
	s.mu.Lock()
	op := s.ops[id]
	s.mu.Unlock()
	switch {
	case op == nil:
	case op.group != nil:
		op.group.leave(op)
		s.finish(op, classAsked)
	case op.cancel != nil:
		op.cancel() // runOnce finishes it
	}
}

// next queues a response of op.
func (s *wsSocket) next(op *wsOp, resp *graphql.Response) {
	s.send(op.nextFrame(encodeResponse(s.ctx, s.t.log, resp)))
}

// nextFrame is op's next message, carrying payload.
func (op *wsOp) nextFrame(payload []byte) frame {
	return frame{head: op.head, body: payload, tail: true}
}

// finish sends complete for op and frees its id: class classAsked when a
// client's message caused it, classFinal when the server ends op.
func (s *wsSocket) finish(op *wsOp, class frameClass) {
	s.end(op, class, control("complete", op.id, nil))
}

// fail sends error for op (terminal: no complete follows) and frees its id.
func (s *wsSocket) fail(op *wsOp, errs gqlerror.List) { s.end(op, classAsked, errorFrame(op.id, errs)) }

// end queues op's last frames and frees its id in one step, so that
// nothing of op follows a complete, and a new operation under the same id
// gets nothing of the old one's. It does nothing if op has ended already.
func (s *wsSocket) end(op *wsOp, class frameClass, last ...frame) {
	s.mu.Lock()
	if s.ops[op.id] != op {
		s.mu.Unlock()
		return
	}
	delete(s.ops, op.id)
	res := queued
	for _, f := range last {
		if res = s.offerLocked(f, class); res != queued {
			break
		}
	}
	s.mu.Unlock()
	if res == overflow {
		s.closeWith(closePolicy, "too much unread: read what the server sends")
	}
}

// closeReasonID is id as a close reason may quote it: a reason is at most
// 123 bytes, and a longer one would drop the close code.
func closeReasonID(id string) string {
	if len(id) > 64 {
		// Cut on a character: a close reason must be valid UTF-8.
		return strings.ToValidUTF8(id[:64], "") + "…"
	}
	return id
}

// closeWith starts the close handshake in the background (it may wait
// for the peer); only the first close counts, and nothing is written
// after it.
func (s *wsSocket) closeWith(code int, reason string) {
	s.closeAndNotify(code, reason, nil)
}

// closeAndNotify is closeWith that also reports, on done, when the
// handshake is over (at once if another close began first).
func (s *wsSocket) closeAndNotify(code int, reason string, done func()) {
	s.mu.Lock()
	already := s.closing
	s.closing = true
	s.out.drop()
	s.stopTimersLocked()
	s.mu.Unlock()
	if already {
		if done != nil {
			done()
		}
		return
	}
	go func() {
		_ = s.conn.Close(coderws.StatusCode(code), reason)
		if done != nil {
			done()
		}
	}()
}

func (s *wsSocket) stopTimersLocked() {
	for _, t := range []*time.Timer{s.initTimer, s.pingTimer, s.expiry} {
		if t != nil {
			t.Stop()
		}
	}
}

// cleanup runs when the reader ends: every operation ends with the
// socket, and its slot is given back.
func (s *wsSocket) cleanup() {
	s.cancel()
	s.t.open.remove(s)
	s.mu.Lock()
	handshake := s.closing
	s.closing = true
	s.out.drop()
	s.stopTimersLocked()
	ops := s.ops
	s.ops = map[string]*wsOp{}
	s.mu.Unlock()
	for _, op := range ops {
		if op.group != nil {
			op.group.leave(op)
		}
	}
	if !handshake {
		_ = s.conn.CloseNow() // a close under way owns the connection
	}
	s.release()
}
