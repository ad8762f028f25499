package gateway

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// A socket's writes are queued and written by a goroutine that lives
// only while the queue holds something, so an idle socket holds no
// goroutine and no buffer, and a group's fan-out never waits on a slow
// client. Events queue up to a bound (outboxMaxFrames, outboxMaxBytes);
// past it the subscription has fallen behind and ends with its cursor.
// Control messages (acks, pongs, completes, errors) are few and always
// queued. A write that outlasts WriteTimeout closes the socket.
//
// Everything else a client can make the server queue (pongs echoing its
// pings, answers to its queries and mutations, error replies) is bounded
// by the whole queue's hard bound: a client that asks faster than it reads
// is disconnected (1008) rather than held in memory.
const (
	outboxMaxFrames = 256
	outboxMaxBytes  = 1 << 20
	outboxHardBytes = 4 * outboxMaxBytes
	outboxHardCount = 4 * outboxMaxFrames
)

// frame is one message: head, then body (an event's payload, shared by
// every subscriber of its group), then "}" if tail.
type frame struct {
	head, body []byte
	tail       bool
}

func (f frame) size() int { return len(f.head) + len(f.body) + 1 }

func (f frame) appendTo(b []byte) []byte {
	b = append(append(b, f.head...), f.body...)
	if f.tail {
		b = append(b, '}')
	}
	return b
}

// control is a message of the protocol with an optional id and payload.
func control(typ, id string, payload json.RawMessage) frame {
	b, _ := json.Marshal(wsMessage{ID: id, Type: typ, Payload: payload})
	return frame{head: b}
}

// errorFrame is the error message of operation id.
func errorFrame(id string, errs gqlerror.List) frame {
	payload, _ := json.Marshal(errs)
	return control("error", id, payload)
}

type outbox struct {
	queue   []frame
	bytes   int
	writing bool // a writer goroutine is draining the queue
}

// drop lets the queue go (the socket is closing).
func (o *outbox) drop() { o.queue, o.bytes = nil, 0 }

type offered int

const (
	queued offered = iota
	full           // the subscriber fell behind
	closed         // the socket is closing
)

// frameClass says how a frame meets the queue's bounds.
type frameClass int

const (
	// classEvent: past outboxMaxFrames or outboxMaxBytes queued, the
	// subscriber has fallen behind (full).
	classEvent frameClass = iota
	// classAsked: what a client's message makes the server write (a pong,
	// a refusal, the confirmation of its complete). Once the queue holds
	// the hard bound the socket closes (overflow): a client that asks
	// faster than it reads is let go rather than held in memory. A single
	// frame is always let in below the bound, however large.
	classAsked
	// classFinal: an operation's last frames and answers the server has
	// waited room for (sendAnswer): always queued.
	classFinal
)

// send queues what a client's message asked for.
func (s *wsSocket) send(f frame) { s.offer(f, classAsked) }

// offer queues f by its class and starts the writer.
func (s *wsSocket) offer(f frame, class frameClass) offered {
	s.mu.Lock()
	res := s.offerLocked(f, class)
	s.mu.Unlock()
	if res == overflow {
		s.closeWith(closePolicy, "too much unread: read what the server sends")
		return closed
	}
	return res
}

// closePolicy closes a socket whose client does not read what it asks for.
const closePolicy = 1008

// overflow: past the hard bound (the caller closes the socket).
const overflow offered = closed + 1

func (s *wsSocket) offerLocked(f frame, class frameClass) offered {
	if s.closing {
		return closed
	}
	o := &s.out
	switch {
	case class == classEvent && len(o.queue) > 0 && (len(o.queue) >= outboxMaxFrames || o.bytes+f.size() > outboxMaxBytes):
		return full
	case class == classAsked && (len(o.queue) >= outboxHardCount || o.bytes >= outboxHardBytes):
		return overflow
	}
	o.queue = append(o.queue, f)
	o.bytes += f.size()
	if !o.writing {
		o.writing = true
		go s.write()
	}
	return queued
}

// answerPoll is how often an answer waiting for room looks again.
const answerPoll = 10 * time.Millisecond

// sendAnswer queues a response of a query or mutation once the queue is
// below the hard bound, waiting for the writer meanwhile: answers may be
// large, and their operation holds its slot while it waits, so at most
// MaxSubscriptions of them wait. A client that reads nothing is let go by
// the write deadline. False if the socket closed or ctx ended first.
func (s *wsSocket) sendAnswer(ctx context.Context, f frame) bool {
	for {
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			return false
		}
		if s.out.bytes < outboxHardBytes && len(s.out.queue) < outboxHardCount {
			s.offerLocked(f, classFinal)
			s.mu.Unlock()
			return true
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return false
		case <-time.After(answerPoll):
		}
	}
}

var writeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// write drains the queue, one message at a time under the write deadline.
func (s *wsSocket) write() {
	bp := writeBuffers.Get().(*[]byte)
	defer writeBuffers.Put(bp)
	for {
		s.mu.Lock()
		o := &s.out
		if len(o.queue) == 0 || s.closing {
			o.writing = false
			o.queue = nil // the backing array goes with it
			s.mu.Unlock()
			return
		}
		f := o.queue[0]
		o.queue[0] = frame{}
		o.queue = o.queue[1:]
		o.bytes -= f.size()
		s.mu.Unlock()
		*bp = f.appendTo((*bp)[:0])
		err := s.writeMessage(*bp)
		if cap(*bp) > 64<<10 {
			*bp = make([]byte, 0, 1024) // a large event's buffer is not kept in the pool
		}
		if err != nil {
			// Too slow, or gone: coder/websocket has closed the
			// connection, which ends the reader and the socket.
			s.mu.Lock()
			s.out.writing = false
			s.closing = true
			s.out.drop()
			s.mu.Unlock()
			_ = s.conn.CloseNow()
			return
		}
	}
}

// writeMessage writes one message under the write deadline: set on the
// connection, and cleared after, since coder/websocket writes on it too
// (pongs, the close frame) with no deadline of ours.
func (s *wsSocket) writeMessage(b []byte) error {
	if s.netConn == nil {
		ctx, cancel := context.WithTimeout(s.ctx, s.t.limits.WriteTimeout)
		defer cancel()
		return s.conn.Write(ctx, coderws.MessageText, b)
	}
	if err := s.netConn.SetWriteDeadline(time.Now().Add(s.t.limits.WriteTimeout)); err != nil {
		return err
	}
	err := s.conn.Write(context.Background(), coderws.MessageText, b)
	_ = s.netConn.SetWriteDeadline(time.Time{})
	return err
}
