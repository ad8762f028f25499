package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
)

// neo is the harness's own Neo4j connection: for the raw load, the wipes
// and the hand-written Cypher floor of the read stage.
type neo struct{ d neo4j.DriverWithContext }

func openNeo(ctx context.Context, uri, user, pwd string) (*neo, error) {
	d, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, pwd, ""))
	if err != nil {
		return nil, err
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		_ = d.Close(ctx)
		return nil, fmt.Errorf("neo4j %s: %w", uri, err)
	}
	return &neo{d: d}, nil
}

func (n *neo) close() { _ = n.d.Close(context.Background()) }

func (n *neo) query(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := neo4j.ExecuteQuery(ctx, n.d, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

// autoCommit runs cypher in an auto-commit transaction, which CALL { … }
// IN TRANSACTIONS needs (the wipes delete in batches this way).
func (n *neo) autoCommit(ctx context.Context, cypher string, params map[string]any) error {
	s := n.d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite})
	defer s.Close(ctx)
	res, err := s.Run(ctx, cypher, params)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return err
}

// ensureConstraints creates the uniqueness constraints our store creates
// (the raw load is measured with them in place, like the service's writes).
func (n *neo) ensureConstraints(ctx context.Context) error {
	for _, c := range []string{
		"CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE",
		"CREATE CONSTRAINT interest_name IF NOT EXISTS FOR (i:Interest) REQUIRE i.name IS UNIQUE",
	} {
		var err error
		for range 3 { // another process may be creating the same constraint
			if _, err = n.query(ctx, c, nil); err == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			return fmt.Errorf("neo4j: %s: %w", c, err)
		}
	}
	return nil
}

// Cypher of the raw load: UNWIND-batched MERGE, endpoints found through
// the uniqueness constraints' indexes. Edges are written by the store's
// own bulk statements, which also set the list keys its pages read.
const (
	loadPersons = `UNWIND $rows AS r MERGE (p:Person {id: r.id})
ON CREATE SET p.name = r.name, p.email = r.email, p.registeredAt = r.at`
	loadTags = `UNWIND $rows AS r MERGE (:Interest {name: r.name})`
)

var (
	loadInterests = neo4jstore.BulkInterests
	loadFollows   = neo4jstore.BulkFollows
)

// LoadRun is one raw load of the whole graph: seconds per kind of row.
type LoadRun struct {
	Persons, Tags, Interests, Follows           int
	PersonsSec, TagsSec, InterestSec, FollowSec float64
}

// epoch dates the bulk data well before any stage, so that write stages
// can tell their own edges by `since`.
var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func (n *neo) loadGraph(ctx context.Context, g *Graph, batch, workers int) (LoadRun, error) {
	var lr LoadRun
	rows := make([]map[string]any, 0, len(g.IDs))
	for i, id := range g.IDs {
		rows = append(rows, map[string]any{"id": id, "name": fmt.Sprintf("Person %d", i),
			"email": fmt.Sprintf("p%d@bench.example", i), "at": epoch.Add(time.Duration(i) * time.Minute)})
	}
	var err error
	lr.Persons, lr.PersonsSec, err = n.batched(ctx, loadPersons, rows, batch, workers)
	if err != nil {
		return lr, err
	}
	rows = rows[:0]
	for _, t := range g.Tags {
		rows = append(rows, map[string]any{"name": t})
	}
	if lr.Tags, lr.TagsSec, err = n.batched(ctx, loadTags, rows, batch, workers); err != nil {
		return lr, err
	}
	edges := func(adj [][]int32, name func(int32) string) []map[string]any {
		var out []map[string]any
		for i, list := range adj {
			for k, j := range list {
				out = append(out, map[string]any{"a": g.IDs[i], "b": name(j), "at": epoch.Add(time.Duration(k) * time.Second)})
			}
		}
		return out
	}
	if lr.Interests, lr.InterestSec, err = n.batched(ctx, loadInterests, edges(g.Interests, func(t int32) string { return g.Tags[t] }), batch, workers); err != nil {
		return lr, err
	}
	lr.Follows, lr.FollowSec, err = n.batched(ctx, loadFollows, edges(g.Follows, func(j int32) string { return g.IDs[j] }), batch, workers)
	return lr, err
}

// batched writes rows in transactions of batch rows from workers
// goroutines. Concurrent edge writers can deadlock on shared nodes; the
// driver retries those transient errors, as any client would.
func (n *neo) batched(ctx context.Context, cypher string, rows []map[string]any, batch, workers int) (int, float64, error) {
	start := time.Now()
	jobs := make(chan []map[string]any)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				_, err := neo4j.ExecuteQuery(ctx, n.d, cypher, map[string]any{"rows": b}, neo4j.EagerResultTransformer)
				if err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := 0; i < len(rows); i += batch {
		jobs <- rows[i:min(i+batch, len(rows))]
	}
	close(jobs)
	wg.Wait()
	return len(rows), time.Since(start).Seconds(), first
}

// wipeBulk deletes this run's bulk persons and interests (found by the run
// tag in ids and names) and every edge of the registered clients. Nothing
// else in the shared database is touched.
func (n *neo) wipeBulk(ctx context.Context, tag string, clients []string) error {
	for _, c := range []struct {
		cypher string
		params map[string]any
	}{
		{`MATCH (p:Person) WHERE p.id STARTS WITH $tag CALL { WITH p DETACH DELETE p } IN TRANSACTIONS OF 200 ROWS`, map[string]any{"tag": tag + "-"}},
		{`MATCH (i:Interest) WHERE i.name STARTS WITH $prefix CALL { WITH i DETACH DELETE i } IN TRANSACTIONS OF 50 ROWS`, map[string]any{"prefix": "b" + tag + "-"}},
		{`UNWIND $ids AS id MATCH (:Person {id: id})-[r:FOLLOWS|INTERESTED_IN]-() DELETE r`, map[string]any{"ids": clients}},
	} {
		if err := n.autoCommit(ctx, c.cypher, c.params); err != nil {
			return fmt.Errorf("wipe: %w", err)
		}
	}
	return nil
}

// wipeWrites deletes the edges the actors created since t0 (a write
// stage's own), so that the next contestant starts from the same graph.
func (n *neo) wipeWrites(ctx context.Context, actors []string, t0 time.Time) error {
	_, err := n.query(ctx, `UNWIND $ids AS id MATCH (:Person {id: id})-[r:FOLLOWS|INTERESTED_IN]->() WHERE r.since >= $t0 DELETE r`,
		map[string]any{"ids": actors, "t0": t0})
	return err
}

// wipeProjection removes the run's part of what the event projection
// writes: its persons (bulk ones by the run tag, the clients and the
// emitter by id) with their notifications and ledger records, and its
// interests. Accounts, person keys and command records stay, so that a
// rebuild can replay the run's events (it opens their personal fields
// with the keys).
func (n *neo) wipeProjection(ctx context.Context, tag string, ids []string) error {
	params := map[string]any{"tag": tag + "-", "ids": ids}
	for _, c := range []string{
		`MATCH (p:Person) WHERE p.id STARTS WITH $tag MATCH (p)-[:HAS_NOTIFICATION]->(x:Notification)
CALL { WITH x DETACH DELETE x } IN TRANSACTIONS OF 1000 ROWS`,
		`UNWIND $ids AS id MATCH (:Person {id: id})-[:HAS_NOTIFICATION|RECEIVED_BY|SENT]-(x) WHERE x:Notification OR x:Transfer
WITH DISTINCT x CALL { WITH x DETACH DELETE x } IN TRANSACTIONS OF 1000 ROWS`,
	} {
		if err := n.autoCommit(ctx, c, params); err != nil {
			return fmt.Errorf("wipe: %w", err)
		}
	}
	if err := n.wipeBulk(ctx, tag, ids); err != nil {
		return err
	}
	if err := n.autoCommit(ctx, `UNWIND $ids AS id MATCH (p:Person {id: id}) DETACH DELETE p`, params); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	return nil
}

// wipeAll removes everything the run created: its projection, the
// clients' accounts, refresh tokens and person keys, and the command
// records of the run's actors.
func (n *neo) wipeAll(ctx context.Context, tag string, clients []string) error {
	if err := n.wipeProjection(ctx, tag, clients); err != nil {
		return err
	}
	for _, c := range []string{
		`UNWIND $ids AS id MATCH (a:Account {personId: id}) DELETE a`,
		`UNWIND $ids AS id MATCH (k:PersonKey {personId: id}) DELETE k`,
		`MATCH (t:RefreshToken) WHERE t.personId IN $ids DELETE t`,
		`MATCH (f:TokenFamily) WHERE f.personId IN $ids DELETE f`,
		`MATCH (c:Command) WHERE c.actor IN $ids OR c.actor STARTS WITH $tag CALL { WITH c DELETE c } IN TRANSACTIONS OF 2000 ROWS`,
	} {
		if err := n.autoCommit(ctx, c, map[string]any{"ids": clients, "tag": tag + "-"}); err != nil {
			return fmt.Errorf("wipe: %w", err)
		}
	}
	return nil
}
