package main

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/feeds"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// bookmarkRecorder wraps a gateway's store and records every set of
// bookmarks the gateway hands it, and whether they reached the real store.
// Each observation is made slow on purpose (an injected fault): were the
// mutation answered before its bookmarks were observed, the answer would
// overtake the record.
type bookmarkRecorder struct {
	store.GraphStore
	delay time.Duration

	mu       sync.Mutex
	observed [][]string
	dropped  int // observations the inner store could not take
}

func (r *bookmarkRecorder) ObserveBookmarks(ctx context.Context, bookmarks []string) {
	time.Sleep(r.delay) // the fault under test, not synchronisation
	inner, ok := r.GraphStore.(feeds.BookmarkObserver)
	if ok {
		inner.ObserveBookmarks(ctx, bookmarks)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !ok {
		r.dropped++
		return
	}
	r.observed = append(r.observed, slices.Clone(bookmarks))
}

func (r *bookmarkRecorder) snapshot() ([][]string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.observed), r.dropped
}

// TestOutcomeBookmarksReachTheReadingStoreBeforeTheAnswer: on the real
// stack every outcome carries the bookmarks of its decision, and a gateway
// hands them to its (Neo4j) store before it answers the mutation, so that
// the caller's next read on any gateway waits for its own write. One Neo4j
// instance shows every committed write anyway, so this records the order
// instead of hoping a stale read shows up.
func TestOutcomeBookmarksReachTheReadingStoreBeforeTheAnswer(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, realStack)
	startService(t, cfg, roles{consumer: true})
	rec := &bookmarkRecorder{delay: 300 * time.Millisecond}
	gw := startService(t, cfg, roles{gateway: true}, withStoreWrapper(func(s store.GraphStore) store.GraphStore {
		rec.GraphStore = s
		return rec
	}))
	ann := gw.register(t, "Ann")
	var answered []receipt
	var atAnswer [][][]string
	for i := range 3 {
		r := gw.mutate(t, ann.Token, "addInterest", "name", "bookmark "+testsupport.Letters())
		observed, dropped := rec.snapshot()
		if dropped > 0 {
			t.Fatalf("round %d: the store is not a bookmark observer: %d observations dropped", i, dropped)
		}
		if r.Status != "APPLIED" {
			t.Fatalf("round %d: %+v", i, r)
		}
		answered, atAnswer = append(answered, r), append(atAnswer, observed)
	}
	outcomes := outcomesByCommand(t, gw)
	for i, r := range answered {
		out, ok := outcomes[r.CommandID]
		if !ok || len(out.Bookmarks) == 0 {
			t.Fatalf("outcome of %s carries no bookmarks: %+v", r.CommandID, out)
		}
		if !slices.ContainsFunc(atAnswer[i], func(b []string) bool { return slices.Equal(b, out.Bookmarks) }) {
			t.Fatalf("mutation %s was answered before its bookmarks %v reached the store (observed then: %v)",
				r.CommandID, out.Bookmarks, atAnswer[i])
		}
	}
}

func outcomesByCommand(t *testing.T, rs *running) map[string]domain.Outcome {
	t.Helper()
	out := map[string]domain.Outcome{}
	for _, m := range drainAll(t, rs, rs.busCfg.Topics.Outcomes) {
		var o domain.Outcome
		if err := jsonInto(m.Value, &o); err != nil {
			t.Fatalf("outcome: %v", err)
		}
		out[o.CommandID] = o
	}
	return out
}
