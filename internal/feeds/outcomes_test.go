package feeds

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

func outcomeMessage(t *testing.T, offset int64, out domain.Outcome) kafka.Message {
	t.Helper()
	m, err := bus.EncodeOutcome("outcomes", "actor", out)
	if err != nil {
		t.Fatal(err)
	}
	m.Offset = offset
	return m
}

// runUntilDone runs run until it has handled what its fake tail holds
// (the fake then waits for ctx), then stops it.
func runUntilDone(t *testing.T, run func(context.Context), done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		run(ctx)
	}()
	deadline := time.After(10 * time.Second)
	for !done() {
		select {
		case <-stopped:
			t.Fatal("Run returned before ctx ended")
		case <-deadline:
			t.Fatal("Run did not handle its messages within 10 s")
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	<-stopped
}

// TestOutcomesObserveBookmarksBeforeAnswering: a mutation is answered
// only after its decision's bookmarks reached the store, so the caller's
// next read sees its write. An unreadable outcome is skipped.
func TestOutcomesObserveBookmarksBeforeAnswering(t *testing.T) {
	j := &journal{}
	unreadable := outcomeMessage(t, 1, domain.Outcome{})
	unreadable.Value = []byte("not json")
	ft := &fakeTail{msgs: []kafka.Message{
		outcomeMessage(t, 0, domain.Outcome{CommandID: "c1", Status: domain.StatusApplied, Bookmarks: []string{"b1"}}),
		unreadable,
		outcomeMessage(t, 2, domain.Outcome{CommandID: "c2", Status: domain.StatusRejected, Reason: "BLOCKED"}),
	}}
	o := newOutcomes(OutcomesConfig{Waiter: fakeWaiter{j}, Bookmarks: fakeObserver{j}}, ft)
	runUntilDone(t, o.Run, func() bool { return len(j.all()) == 4 })
	want := []string{"observe [b1]", "deliver c1 APPLIED", "observe []", "deliver c2 REJECTED"}
	if got := j.all(); !slices.Equal(got, want) {
		t.Fatalf("journal = %q, want %q", got, want)
	}
	if ft.closed != 1 {
		t.Fatalf("tail closed %d times after Run, want 1", ft.closed)
	}
	o.Close()
	if ft.closed != 1 {
		t.Fatalf("Close after Run closed the tail again (%d)", ft.closed)
	}
}

// TestOutcomesWithoutBookmarks: a store without bookmarks (memory) passes
// no observer; outcomes are still delivered.
func TestOutcomesWithoutBookmarks(t *testing.T) {
	j := &journal{}
	ft := &fakeTail{msgs: []kafka.Message{
		outcomeMessage(t, 0, domain.Outcome{CommandID: "c1", Status: domain.StatusApplied, Bookmarks: []string{"b1"}}),
	}}
	o := newOutcomes(OutcomesConfig{Waiter: fakeWaiter{j}}, ft)
	runUntilDone(t, o.Run, func() bool { return len(j.all()) == 1 })
	if got := j.all(); !slices.Equal(got, []string{"deliver c1 APPLIED"}) {
		t.Fatalf("journal = %q", got)
	}
}

// TestNewOutcomesRefusesIncompleteConfig: every problem at once, before
// any broker is asked.
func TestNewOutcomesRefusesIncompleteConfig(t *testing.T) {
	_, err := NewOutcomes(t.Context(), OutcomesConfig{})
	if err == nil {
		t.Fatal("NewOutcomes accepted an empty config")
	}
	for _, want := range []string{"broker", "waiter"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
