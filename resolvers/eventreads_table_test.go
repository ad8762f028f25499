package resolvers

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// TestEventReadsAreBoundedAndKeepNoFailure: the table of shared reads
// (keyed by client selections) never holds more than eventReadsMax reads,
// and a failed read is read again by the next subscriber.
func TestEventReadsAreBoundedAndKeepNoFailure(t *testing.T) {
	var tbl eventReads
	ctx := context.Background()
	reads := 0
	ok := func(context.Context) (*store.PersonRead, error) { reads++; return &store.PersonRead{}, nil }
	for i := range eventReadsMax + 100 {
		if _, err := tbl.get(ctx, eventReadKey{event: fmt.Sprint(i)}, ok); err != nil {
			t.Fatal(err)
		}
	}
	if len(tbl.entries) > eventReadsMax || len(tbl.order) > eventReadsMax {
		t.Fatalf("%d reads kept (%d in order), at most %d", len(tbl.entries), len(tbl.order), eventReadsMax)
	}
	last := eventReadKey{event: fmt.Sprint(eventReadsMax + 99)}
	if _, err := tbl.get(ctx, last, ok); err != nil || reads != eventReadsMax+100 {
		t.Fatalf("a kept read was read again: %d reads, %v", reads, err)
	}
	failed := eventReadKey{event: "failing"}
	boom := errors.New("store down")
	if _, err := tbl.get(ctx, failed, func(context.Context) (*store.PersonRead, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failed read: %v", err)
	}
	if _, err := tbl.get(ctx, failed, ok); err != nil || reads != eventReadsMax+101 {
		t.Fatalf("a failed read was kept: %d reads, %v", reads, err)
	}
}

// TestEventReadsReleaseWaitersOnPanic: a read that panics fails its
// waiters at once instead of leaving them blocked, and is not kept.
func TestEventReadsReleaseWaitersOnPanic(t *testing.T) {
	var tbl eventReads
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	key := eventReadKey{event: "e", person: "p"}
	release := make(chan struct{})
	started := make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		_, _ = tbl.get(ctx, key, func(context.Context) (*store.PersonRead, error) {
			close(started)
			<-release
			panic("decoding went wrong")
		})
	}()
	<-started
	waited := make(chan error, 1)
	go func() {
		_, err := tbl.get(ctx, key, func(context.Context) (*store.PersonRead, error) {
			return nil, errors.New("the waiter must not read: the read in flight is shared")
		})
		waited <- err
	}()
	time.Sleep(20 * time.Millisecond) // the waiter joins the read in flight
	close(release)
	select {
	case err := <-waited:
		if err == nil || ctx.Err() != nil {
			t.Fatalf("waiter: %v (context %v), want the read's failure", err, ctx.Err())
		}
	case <-ctx.Done():
		t.Fatal("a waiter stayed blocked after the read panicked")
	}
	reads := 0
	if _, err := tbl.get(ctx, key, func(context.Context) (*store.PersonRead, error) { reads++; return &store.PersonRead{}, nil }); err != nil || reads != 1 {
		t.Fatalf("after a panic: %d reads, %v; want a fresh read", reads, err)
	}
}

// TestEventReadsKeepNoEmptyReadAndBoundPersons: a person not found (still
// being projected) is read again by the next subscriber, and reads holding
// more persons than eventReadsMaxPersons together are let go.
func TestEventReadsKeepNoEmptyReadAndBoundPersons(t *testing.T) {
	var tbl eventReads
	ctx := context.Background()
	reads := 0
	empty := func(context.Context) (*store.PersonRead, error) { reads++; return nil, nil }
	for range 2 {
		if _, err := tbl.get(ctx, eventReadKey{event: "e"}, empty); err != nil {
			t.Fatal(err)
		}
	}
	if reads != 2 {
		t.Fatalf("an empty read was shared: %d reads, want 2", reads)
	}
	big := store.PersonRead{Lists: []store.ListRead{{Members: make([]store.PersonRead, eventReadsMaxPersons)}}}
	bigReads := 0
	fetchBig := func(context.Context) (*store.PersonRead, error) { bigReads++; return &big, nil }
	if _, err := tbl.get(ctx, eventReadKey{event: "big"}, fetchBig); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.get(ctx, eventReadKey{event: "other"}, func(context.Context) (*store.PersonRead, error) { return &store.PersonRead{}, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.get(ctx, eventReadKey{event: "big"}, fetchBig); err != nil || bigReads != 2 {
		t.Fatalf("a read over the persons' bound was kept: %d reads, %v", bigReads, err)
	}
	// The bound holds at each new read: what is kept is the other read
	// and the big one read again, never the first big one besides.
	if want := 1 + personsIn(big); tbl.held != want {
		t.Fatalf("%d persons held, want %d", tbl.held, want)
	}
}
