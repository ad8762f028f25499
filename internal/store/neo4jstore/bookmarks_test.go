package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// TestReadsCarryObservedBookmarks: a bookmark handed to ObserveBookmarks
// goes with every later read. A bookmark Neo4j cannot parse makes the read
// fail, which shows it was sent; a store that ignored observed bookmarks
// (or read without them) would answer. Causal waiting for a real bookmark
// is Neo4j's part and needs a cluster to show (see docs/TESTING.md).
func TestReadsCarryObservedBookmarks(t *testing.T) {
	s := openStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ids := []string{domain.NewID()}
	if _, err := s.PersonsByIDs(ctx, ids); err != nil {
		t.Fatalf("read before any bookmark: %v", err)
	}
	s.ObserveBookmarks(ctx, []string{"FB:not-a-bookmark"})
	if _, err := s.PersonsByIDs(ctx, ids); err == nil {
		t.Fatal("a read after observing an unparseable bookmark succeeded: observed bookmarks do not reach reads")
	}
}
