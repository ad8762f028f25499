package neo4jstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/store/neo4jtest"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestMistypedPropertiesAreErrorsNotPanics writes properties of the wrong
// type straight into Neo4j (as a foreign tool or an old version could) and
// expects the reads to fail with an error naming the property: before the
// typed accessors, both panicked on an unchecked .(string).
//
// It corrupts only nodes that are reached by their own unique key (an
// account by person id, a reference token by hash), never nodes that other
// tests sharing the database aggregate (persons, interests, transfers).
func TestMistypedPropertiesAreErrorsNotPanics(t *testing.T) {
	srv := testsupport.Neo4jServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	drv, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth(srv.User, srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-in first-out: the driver closes after the delete.
	t.Cleanup(func() { _ = drv.Close(context.Background()) })
	key := "corrupt-" + testsupport.Unique()
	params := map[string]any{"key": key, "exp": time.Now().Add(time.Hour).UTC()}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := neo4j.ExecuteQuery(ctx, drv, `OPTIONAL MATCH (a:Account {personId: $key})
OPTIONAL MATCH (r:ReferenceToken {hash: $key}) DETACH DELETE a, r`, params, neo4j.EagerResultTransformer); err != nil {
			t.Errorf("remove the corrupted nodes: %v", err)
		}
	})
	// A unique integer email (the constraint is on a.email) and a
	// reference token whose jwt is a number.
	if _, err := neo4j.ExecuteQuery(ctx, drv, `CREATE (:Account {personId: $key, email: toInteger(rand() * 1e15) + 1e15})
CREATE (:ReferenceToken {hash: $key, jwt: 42, expiresAt: $exp})`, params, neo4j.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}

	s := neo4jtest.Open(t)
	if _, err := s.Identity().AccountByPersonID(ctx, key); err == nil || !strings.Contains(err.Error(), "email is") {
		t.Errorf("AccountByPersonID = %v, want an error naming email", err)
	}
	if _, _, err := s.Identity().LookupReference(ctx, key, time.Now()); err == nil || !strings.Contains(err.Error(), "jwt is int64") {
		t.Errorf("LookupReference = %v, want an error naming jwt", err)
	}
}
