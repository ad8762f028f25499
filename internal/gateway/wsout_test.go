package gateway

import (
	"context"
	"testing"
	"time"
)

// queuedSocket is a socket whose queue already holds bytes, with its
// writer marked running so that nothing is written: the bounds alone are
// under test.
func queuedSocket(bytes int) *wsSocket {
	s := &wsSocket{ops: map[string]*wsOp{}}
	s.out = outbox{queue: []frame{{head: make([]byte, bytes)}}, bytes: bytes, writing: true}
	return s
}

// TestQueueBoundsByClass: events past their bound fall behind; what a
// client asks for closes the socket once the queue holds the hard bound,
// though one frame is always let in below it; an operation's last frames
// are always queued, so a large answer is followed by its complete.
func TestQueueBoundsByClass(t *testing.T) {
	big := frame{head: make([]byte, 2<<20)}
	small := control("complete", "1", nil)
	for _, c := range []struct {
		name   string
		queued int
		f      frame
		class  frameClass
		want   offered
	}{
		{"event within bound", 1 << 10, small, classEvent, queued},
		{"event past bound", outboxMaxBytes, small, classEvent, full},
		{"asked below hard bound, however large", outboxHardBytes - 1, big, classAsked, queued},
		{"asked at hard bound", outboxHardBytes, small, classAsked, overflow},
		{"final past hard bound", outboxHardBytes + 5<<20, small, classFinal, queued},
	} {
		s := queuedSocket(c.queued)
		if got := s.offerLocked(c.f, c.class); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}

	// A large answer queued, then its complete: both stay, the socket open.
	s := queuedSocket(5 << 20)
	op := &wsOp{s: s, id: "1"}
	s.ops["1"] = op
	s.finish(op, classFinal)
	if s.closing || len(s.out.queue) != 2 || s.ops["1"] != nil {
		t.Fatalf("after a 5 MiB answer: closing %v, %d queued, op freed %v", s.closing, len(s.out.queue), s.ops["1"] == nil)
	}
}

// TestAnswersWaitForRoom: an answer waits while the queue holds the hard
// bound and goes in once the writer has made room; a closed socket or an
// ended operation stops the wait.
func TestAnswersWaitForRoom(t *testing.T) {
	s := queuedSocket(outboxHardBytes)
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.mu.Lock()
		s.out.queue, s.out.bytes = nil, 0 // the writer took everything
		s.mu.Unlock()
	}()
	start := time.Now()
	if !s.sendAnswer(context.Background(), control("next", "1", nil)) {
		t.Fatal("the answer was not queued once there was room")
	}
	if waited := time.Since(start); waited < 40*time.Millisecond {
		t.Fatalf("queued after %v, before the writer made room", waited)
	}

	s = queuedSocket(outboxHardBytes)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if s.sendAnswer(ctx, control("next", "1", nil)) {
		t.Fatal("queued past the hard bound")
	}
	s.closing = true
	if s.sendAnswer(context.Background(), control("next", "1", nil)) {
		t.Fatal("queued on a closing socket")
	}
}
