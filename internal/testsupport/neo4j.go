package testsupport

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ForgetPersons deletes the given persons, their ledger records and the
// given interests (and their edges)
// from the real Neo4j, so that a test can replay its own events into a
// graph that lacks exactly its own data. It touches nothing else.
func ForgetPersons(t testing.TB, personIDs, interests []string) {
	t.Helper()
	srv := Neo4jServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	drv, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth(srv.User, srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	for _, q := range []struct {
		cypher string
		params map[string]any
	}{
		{"MATCH (p:Person) WHERE p.id IN $ids OPTIONAL MATCH (p)-[:SENT|RECEIVED_BY]-(t:Transfer) DETACH DELETE t, p", map[string]any{"ids": personIDs}},
		{"MATCH (i:Interest) WHERE i.name IN $names DETACH DELETE i", map[string]any{"names": interests}},
	} {
		if _, err := neo4j.ExecuteQuery(ctx, drv, q.cypher, q.params, neo4j.EagerResultTransformer); err != nil {
			t.Fatalf("forget test data: %v", err)
		}
	}
}
