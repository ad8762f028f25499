package resolvers

import (
	"context"
	"errors"
	"fmt"
	"testing"

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
