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

// LockedBalances reads the balances of the given persons in one write
// transaction that first takes each person's write lock (in id order), so
// the read cannot straddle a concurrent transfer's commit: Neo4j's plain
// reads are read-committed. Tests of ledger invariants use it to check
// every committed state, not a torn view of two.
func LockedBalances(ctx context.Context, srv Neo4j, ids []string) (map[string]int64, error) {
	drv, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth(srv.User, srv.Password, ""))
	if err != nil {
		return nil, err
	}
	defer drv.Close(ctx)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{})
	defer sess.Close(ctx)
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		params := map[string]any{"ids": ids}
		if _, err := tx.Run(ctx, "MATCH (p:Person) WHERE p.id IN $ids WITH p ORDER BY p.id SET p._LOCK_ = true", params); err != nil {
			return nil, err
		}
		r, err := tx.Run(ctx, "MATCH (p:Person) WHERE p.id IN $ids REMOVE p._LOCK_ RETURN p.id AS id, coalesce(p.balance, 0) AS balance", params)
		if err != nil {
			return nil, err
		}
		out := map[string]int64{}
		for r.Next(ctx) {
			id, _ := r.Record().Get("id")
			b, _ := r.Record().Get("balance")
			out[id.(string)] = b.(int64)
		}
		return out, r.Err()
	})
	if err != nil {
		return nil, err
	}
	return res.(map[string]int64), nil
}
