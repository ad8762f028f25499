package hub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// fakeLog is an event store of two partitions; tail publishes what it
// holds to the hub, as a gateway's events tail does, possibly later.
type fakeLog struct {
	mu    sync.Mutex
	parts [2][]domain.Event
	first [2]int64
	tail  [2]int
	h     *Hub
}

func newFakeLog(t *testing.T, buffer int) *fakeLog {
	l := &fakeLog{h: New(buffer, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	l.h.SetSource(l, map[int]int64{0: 0, 1: 0})
	return l
}

func (l *fakeLog) FirstOffsets(context.Context) (map[int]int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return map[int]int64{0: l.first[0], 1: l.first[1]}, nil
}

func (l *fakeLog) Read(ctx context.Context, p int, from, to int64, fn func(domain.Event, int64) error) error {
	for off := from; off <= to; off++ {
		l.mu.Lock()
		ev := l.parts[p][off]
		l.mu.Unlock()
		if err := fn(ev, off); err != nil {
			return err
		}
	}
	return nil
}

// append writes an event of subject to partition p (not yet tailed).
func (l *fakeLog) append(p int, subject, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.parts[p] = append(l.parts[p], domain.Event{ID: id, Subject: subject})
}

// catchUp publishes what the tail has not yet read.
func (l *fakeLog) catchUp() {
	for p := range 2 {
		l.mu.Lock()
		evs := l.parts[p][l.tail[p]:]
		start := l.tail[p]
		l.tail[p] = len(l.parts[p])
		l.mu.Unlock()
		for i, ev := range evs {
			l.h.PublishAt(ev, p, int64(start+i))
		}
	}
}

func recv(t *testing.T, ch <-chan stream.Message) stream.Message {
	t.Helper()
	select {
	case m, ok := <-ch:
		if !ok {
			t.Fatal("stream closed")
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5 s")
	}
	return stream.Message{}
}

func ids(t *testing.T, ch <-chan stream.Message, n int) (got []string, last string) {
	for range n {
		m := recv(t, ch)
		got = append(got, m.Event.ID)
		last = m.Cursor
	}
	return got, last
}

func TestResumeReplaysMissedThenLiveWithoutGapOrDuplicate(t *testing.T) {
	l := newFakeLog(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	first, err := l.h.Stream(ctx, stream.Firehose(), stream.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.append(0, "a", "1")
	l.append(1, "b", "2")
	l.catchUp()
	got, last := ids(t, first, 2)
	cancel() // the client goes away
	l.append(0, "a", "3")
	l.append(1, "b", "4")
	l.catchUp()
	l.append(0, "a", "5") // written, not yet tailed by this gateway
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	again, err := l.h.Stream(ctx2, stream.Firehose(), stream.Options{After: mustDecode(t, last)})
	if err != nil {
		t.Fatal(err)
	}
	l.catchUp()
	l.append(1, "b", "6")
	l.catchUp()
	rest, _ := ids(t, again, 4)
	got = append(got, rest...)
	if fmt.Sprint(got) != "[1 2 3 4 5 6]" {
		t.Fatalf("got %v, want every event once: [1 2 3 4 5 6]", got)
	}
	select {
	case m := <-again:
		t.Fatalf("unexpected extra event %v", m.Event.ID)
	default:
	}
}

func TestCursorAheadOfThisGatewayDropsWhatItAlreadyHad(t *testing.T) {
	l := newFakeLog(t, 0)
	l.append(0, "a", "1")
	l.append(0, "a", "2")
	l.append(0, "a", "3")
	// Another gateway delivered up to offset 1; this one has tailed nothing.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := l.h.Stream(ctx, stream.Person("a"), stream.Options{After: cursor.Position{0: 1}, Single: true})
	if err != nil {
		t.Fatal(err)
	}
	l.catchUp()
	m := recv(t, ch)
	if m.Event.ID != "3" || m.Cursor != (cursor.Position{0: 2}).Encode() {
		t.Fatalf("got %s at %q, want event 3 with the one-partition cursor of offset 2", m.Event.ID, m.Cursor)
	}
}

func TestResumeFiltersByTopic(t *testing.T) {
	l := newFakeLog(t, 0)
	l.append(0, "other", "x")
	l.append(0, "me", "1")
	l.catchUp()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := l.h.Stream(ctx, stream.Person("me"), stream.Options{After: cursor.Position{0: -1}, Single: true})
	if err != nil {
		t.Fatal(err)
	}
	if m := recv(t, ch); m.Event.ID != "1" {
		t.Fatalf("replay delivered %q, an event of another person", m.Event.ID)
	}
}

func TestExpiredAndTooFarCursorsAreRefusedAtOnce(t *testing.T) {
	l := newFakeLog(t, 0)
	for i := range MaxReplay + 10 {
		l.append(0, "a", fmt.Sprint(i))
	}
	l.catchUp()
	l.first[0] = 5
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for name, after := range map[string]cursor.Position{"older than retained": {0: 2}, "too far behind": {0: 5}} {
		if _, err := l.h.Stream(ctx, stream.Firehose(), stream.Options{After: after}); domain.KindOf(err) != domain.KindCursorExpired {
			t.Errorf("%s: got %v, want CURSOR_EXPIRED", name, err)
		}
	}
	if _, err := l.h.Stream(ctx, stream.Firehose(), stream.Options{After: cursor.Position{7: 0}}); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("unknown partition: got %v, want BAD_USER_INPUT", err)
	}
	if n := l.h.Count(); n != 0 {
		t.Fatalf("%d subscriptions left registered by refused streams", n)
	}
	if _, err := l.h.Stream(ctx, stream.Firehose(), stream.Options{After: cursor.Position{0: 9}}); err != nil {
		t.Fatalf("a cursor %d events back: %v", MaxReplay, err)
	}
}

func TestSlowSubscriberGetsItsLastCursorBeforeTheEnd(t *testing.T) {
	l := newFakeLog(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := l.h.Stream(ctx, stream.Firehose(), stream.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.append(0, "a", "1")
	l.catchUp()
	recv(t, ch)
	for i := range 10 { // nobody reads: the buffer overflows
		l.append(0, "a", fmt.Sprint("more", i))
	}
	l.catchUp()
	var end stream.Message
	for m := range ch {
		end = m
	}
	if end.Err != stream.ErrFellBehind || end.Cursor == "" {
		t.Fatalf("last message %+v: want ErrFellBehind with a cursor", end)
	}
	if end.Event.ID != "" {
		t.Fatalf("the final message carries event %q; it must carry none", end.Event.ID)
	}
}

func mustDecode(t *testing.T, s string) cursor.Position {
	t.Helper()
	p, err := cursor.Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A subscriber that does not read holds a replay slot for at most the
// replay timeout; the slots bound concurrent replays and others resume
// once one is free.
func TestReplaysAreBoundedAndASlowReaderLetsGo(t *testing.T) {
	l := newFakeLog(t, 0)
	l.h.replayTimeout = 2 * time.Second
	for i := range 5 {
		l.append(0, "a", fmt.Sprint(i))
	}
	l.catchUp()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stuck []<-chan stream.Message
	for range MaxConcurrentReplays {
		ch, err := l.h.Stream(ctx, stream.Firehose(), stream.Options{After: cursor.Position{0: -1, 1: -1}})
		if err != nil {
			t.Fatal(err)
		}
		stuck = append(stuck, ch) // never read while the slots are full
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(l.h.replays) != MaxConcurrentReplays {
		if time.Now().After(deadline) {
			t.Fatalf("%d replays under way, want %d", len(l.h.replays), MaxConcurrentReplays)
		}
		time.Sleep(time.Millisecond) // polling interval, not synchronisation
	}
	late, err := l.h.Stream(ctx, stream.Firehose(), stream.Options{After: cursor.Position{0: -1, 1: -1}})
	if err != nil {
		t.Fatal(err)
	}
	// Every slot is held for a good while yet: the late replay waits.
	select {
	case m := <-late:
		t.Fatalf("a replay beyond the bound delivered %+v while every slot was held", m)
	case <-time.After(300 * time.Millisecond):
	}
	if got, _ := ids(t, late, 5); fmt.Sprint(got) != "[0 1 2 3 4]" {
		t.Fatalf("late replay got %v", got)
	}
	// Every stuck replay has run out of time once all slots are free.
	for len(l.h.replays) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d replays still hold their slot", len(l.h.replays))
		}
		time.Sleep(time.Millisecond) // polling interval, not synchronisation
	}
	for _, ch := range stuck {
		var end stream.Message
		for m := range ch {
			end = m
		}
		if end.Err != stream.ErrFellBehind || end.Cursor == "" {
			t.Fatalf("stuck replay ended with %+v, want ErrFellBehind and a cursor to resume from", end)
		}
	}
}
