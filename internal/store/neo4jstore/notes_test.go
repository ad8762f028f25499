package neo4jstore

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// A batch's notifications trim their recipient's inbox once: what is older
// than the retention before the newest is dropped, then the oldest beyond
// the cap (small here instead of store.MaxNotifications).
func TestBatchNotesTrimTheInbox(t *testing.T) {
	srv := testsupport.Neo4jServer(t)
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: srv.URI, User: srv.User, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	to, actor := domain.NewID(), domain.NewID()
	now := time.Now().UTC()
	var notes []map[string]any
	for i := range 5 {
		at := now.Add(time.Duration(i) * time.Second)
		notes = append(notes, map[string]any{"to": to, "id": domain.NewID(), "kind": "FOLLOWED", "at": at, "actor": actor, "amount": 0, "cutoff": at.Add(-time.Hour)})
	}
	old := now.Add(-2 * time.Hour)
	notes = append([]map[string]any{{"to": to, "id": domain.NewID(), "kind": "FOLLOWED", "at": old, "actor": actor, "amount": 0, "cutoff": old.Add(-time.Hour)}}, notes...)
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	write := func(notes []map[string]any, cap int) []time.Time {
		t.Helper()
		if _, err := sess.Run(ctx, cypherNotes+" RETURN 1", map[string]any{"notes": notes, "inboxes": inboxRows(notes), "cap": cap}); err != nil {
			t.Fatal(err)
		}
		res, err := sess.Run(ctx, "MATCH (:Person {id: $to})-[:HAS_NOTIFICATION]->(n) RETURN n.at AS at ORDER BY at", map[string]any{"to": to})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var kept []time.Time
		for _, r := range recs {
			at, err := get[time.Time](r, "at")
			if err != nil {
				t.Fatal(err)
			}
			kept = append(kept, at)
		}
		return kept
	}
	// Under the cap: only the one older than the retention goes.
	if kept := write(notes, 10); len(kept) != 5 || !kept[0].Equal(now) {
		t.Fatalf("kept %v, want the five from %v", kept, now)
	}
	// Over the cap: the oldest go.
	at := now.Add(5 * time.Second)
	more := []map[string]any{{"to": to, "id": domain.NewID(), "kind": "FOLLOWED", "at": at, "actor": actor, "amount": 0, "cutoff": at.Add(-time.Hour)}}
	if kept := write(more, 3); len(kept) != 3 || !kept[0].Equal(now.Add(3*time.Second)) || !kept[2].Equal(at) {
		t.Fatalf("kept %v, want the newest three (from %v)", kept, now.Add(3*time.Second))
	}
}
