package neo4jstore

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestDeleteLabelsInBatches: every node of the given labels goes, with its
// relationships, over several batches; nodes of other labels stay. The test
// works on labels of its own, so it never touches other tests' data.
func TestDeleteLabelsInBatches(t *testing.T) {
	s := openTestStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	gone, kept := "WipeGone_"+testsupport.Letters(), "WipeKept_"+testsupport.Letters()
	n := wipeBatch*2 + 17
	if _, err := neo4j.ExecuteQuery(ctx, s.driver,
		"UNWIND range(1, $n) AS i CREATE (a:`"+gone+"` {i: i})-[:R]->(:`"+kept+"` {i: i})",
		map[string]any{"n": n}, neo4j.EagerResultTransformer, s.dbOpt()); err != nil {
		t.Fatal(err)
	}
	var seen []int64
	deleted, err := s.DeleteLabels(ctx, []string{gone}, func(total int64) { seen = append(seen, total) })
	if err != nil || deleted != int64(n) {
		t.Fatalf("deleted %d, %v; want %d", deleted, err, n)
	}
	if len(seen) != 3 || seen[2] != int64(n) {
		t.Fatalf("progress %v: want three batches ending at %d", seen, n)
	}
	counts, err := s.CountLabels(ctx, []string{gone, kept})
	if err != nil || counts[gone] != 0 || counts[kept] != int64(n) {
		t.Fatalf("after the wipe: %v %v", counts, err)
	}
	if _, err := s.DeleteLabels(ctx, []string{kept}, nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"Person`) DETACH DELETE (m", "", "a b"} {
		if _, err := s.DeleteLabels(ctx, []string{bad}, nil); err == nil {
			t.Errorf("label %q accepted", bad)
		}
	}
}

func openTestStore(t *testing.T) *Store {
	t.Helper()
	srv := testsupport.Neo4jServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, Config{URI: srv.URI, User: srv.User, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// TestWipeKeepsPersonKeys: rebuild -wipe removes the projection only; the
// keys that open the event store's personal fields are not part of it.
func TestWipeKeepsPersonKeys(t *testing.T) {
	for _, l := range ProjectionLabels {
		if l == "PersonKey" || l == "Command" || l == "Account" {
			t.Fatalf("rebuild -wipe would remove %s nodes", l)
		}
	}
}
