package feeds

import (
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// TestNewEventsNotesRecentDeletions: before the feed returns, the hub can
// replay everything before the tail's start, and the deletions between
// the window's start and the tail's start are noted.
func TestNewEventsNotesRecentDeletions(t *testing.T) {
	keys := newFakeKeys()
	old, ann, bob := domain.NewID(), domain.NewID(), domain.NewID()
	store := &fakeStore{
		parts: map[int][]kafka.Message{
			0: {eventMessage(deleted(t, keys, old), 0, 0), eventMessage(registered(t, keys, ann), 0, 1),
				eventMessage(deleted(t, keys, ann), 0, 2), eventMessage(deleted(t, keys, old), 0, 3)},
			1: {eventMessage(deleted(t, keys, bob), 1, 0)},
			2: {eventMessage(deleted(t, keys, old), 2, 0)},
		},
		// Partition 0 from offset 1; partition 1 from its start; partition
		// 2 only after the tail's start; partition 3 has nothing recent.
		at: map[int]int64{0: 1, 1: 0, 2: 1},
	}
	start := map[int]int64{0: 3, 1: 1, 2: 1, 3: 0}
	h, d := &fakeHub{}, &fakeDeletions{window: time.Hour}
	before := time.Now()
	if _, err := newEvents(t.Context(), EventsConfig{Hub: h, Keys: keys, Deletions: d}, &fakeTail{start: start}, store); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	if got := d.all(); len(got) != 2 || !slices.Contains(got, ann) || !slices.Contains(got, bob) {
		t.Fatalf("deletions noted %v, want %s and %s only", got, ann, bob)
	}
	if ask := store.askedFor; ask.Before(before.Add(-time.Hour)) || ask.After(after.Add(-time.Hour)) {
		t.Fatalf("deletions looked up from %v, want the window (an hour) before now", ask)
	}
	if h.source == nil || !maps.Equal(h.next, start) {
		t.Fatalf("hub source %v up to %v, want the event log up to %v", h.source, h.next, start)
	}
}

// TestNewEventsFailsWhenDeletionsCannotBeRead: a gateway that cannot tell
// which tokens to refuse does not start; its tail is released.
func TestNewEventsFailsWhenDeletionsCannotBeRead(t *testing.T) {
	down := errors.New("broker down")
	ft := &fakeTail{start: map[int]int64{0: 5}}
	_, err := newEvents(t.Context(), EventsConfig{Hub: &fakeHub{}, Keys: newFakeKeys(), Deletions: &fakeDeletions{}},
		ft, &fakeStore{atErr: down})
	if !errors.Is(err, down) {
		t.Fatalf("err = %v, want it to wrap %v", err, down)
	}
	if ft.closed != 1 {
		t.Fatalf("tail closed %d times, want 1", ft.closed)
	}
}

// TestEventLogReplaysOpenedEvents: resumed subscriptions replay the range
// asked, opened as the live feed delivers them, skipping what does not
// decode.
func TestEventLogReplaysOpenedEvents(t *testing.T) {
	keys := newFakeKeys()
	ann := domain.NewID()
	unreadable := eventMessage(registered(t, keys, ann), 0, 1)
	unreadable.Headers = nil
	store := &fakeStore{parts: map[int][]kafka.Message{0: {
		eventMessage(registered(t, keys, ann), 0, 0), unreadable,
		eventMessage(registered(t, keys, ann), 0, 2), eventMessage(registered(t, keys, ann), 0, 3)}}}
	h := &fakeHub{}
	if _, err := newEvents(t.Context(), EventsConfig{Hub: h, Keys: keys, Deletions: &fakeDeletions{}}, &fakeTail{}, store); err != nil {
		t.Fatal(err)
	}
	first, err := h.source.FirstOffsets(t.Context())
	if err != nil || !maps.Equal(first, map[int]int64{0: 0}) {
		t.Fatalf("FirstOffsets = %v, %v", first, err)
	}
	var offsets []int64
	err = h.source.Read(t.Context(), 0, 0, 2, func(ev domain.Event, offset int64) error {
		if d := personal(t, ev); d.Name != "Ann" {
			t.Errorf("replayed %+v at %d, want the name opened", d, offset)
		}
		offsets = append(offsets, offset)
		return nil
	})
	if err != nil || !slices.Equal(offsets, []int64{0, 2}) {
		t.Fatalf("Read = %v, %v; want offsets [0 2]", offsets, err)
	}
}
