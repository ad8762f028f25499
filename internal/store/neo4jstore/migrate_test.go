package neo4jstore

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// TestBackfillMakesOldPersonsFindable: a person stored before search
// existed (no searchName) is found by name once the backfill has run.
func TestBackfillMakesOldPersonsFindable(t *testing.T) {
	s := openTestStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id := domain.NewID()
	name := "Zoë Ölander " + id[len(id)-8:]
	_, err := neo4j.ExecuteQuery(ctx, s.driver, `CREATE (:Person {id: $id, name: $name, registeredAt: datetime()})`,
		map[string]any{"id": id, "name": name}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = neo4j.ExecuteQuery(context.Background(), s.driver, `MATCH (p:Person {id: $id}) DETACH DELETE p`,
			map[string]any{"id": id}, neo4j.EagerResultTransformer, s.dbOpt())
	})
	words, err := domain.SearchQuery("zoe olander " + id[len(id)-8:])
	if err != nil {
		t.Fatal(err)
	}
	find := func() bool {
		pg, err := s.SearchPersons(ctx, "", words, store.OffsetPage{First: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pg.Persons {
			if p.ID == id {
				return true
			}
		}
		return false
	}
	if find() {
		t.Fatal("a person without a searchName was found before the backfill: the test shows nothing")
	}
	if err := s.backfillSearchNames(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second) // the full-text index is eventually consistent
	for !find() {
		if time.Now().After(deadline) {
			t.Fatal("not found by name after the backfill")
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not synchronisation
	}
}
