package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Migrations bring a database written by an earlier version up to date,
// once per database: a :Migration node records each that ran, so a store
// already migrated pays one read per migration at start.
//
// Persons registered before search existed have no searchName, so search
// would never find them. Their keys are computed in Go (domain.SearchKey
// folds case and accents as the index expects), a batch at a time.
//
// Edges made before list keys existed have none, so the pages read by key
// (listkey.go) would miss them; they get theirs in Cypher, a batch per
// transaction. The migration runs once: a process of an earlier version
// still writing after it (a rolling upgrade) makes edges without keys,
// which time-ordered pages miss until the Migration node is deleted and
// the next start keys them.
const (
	migrationSearchNames  = "person-search-names"
	migrationFollowersKey = "follows-followers-key"
	migrationPersonsKey   = "interested-persons-key"
	searchBackfillBatch   = 1000
	keyBackfillBatch      = 10000
)

type migration struct {
	id  string
	run func(context.Context) error
}

func (s *Store) migrations() []migration {
	return []migration{
		{migrationSearchNames, s.backfillSearchNames},
		{migrationFollowersKey, func(ctx context.Context) error { return s.backfillKeys(ctx, followersKey) }},
		{migrationPersonsKey, func(ctx context.Context) error { return s.backfillKeys(ctx, personsKey) }},
	}
}

func (s *Store) migrate(ctx context.Context) error {
	for _, m := range s.migrations() {
		recs, err := s.read(ctx, `OPTIONAL MATCH (m:Migration {id: $id}) RETURN m IS NOT NULL AS done`, map[string]any{"id": m.id})
		if err != nil {
			return fmt.Errorf("neo4j: migrations: %w", err)
		}
		if len(recs) == 1 {
			if done, _ := recs[0].Get("done"); done == true {
				continue
			}
		}
		if err := m.run(ctx); err != nil {
			return err
		}
		_, err = neo4j.ExecuteQuery(ctx, s.driver, `MERGE (m:Migration {id: $id}) ON CREATE SET m.at = datetime()`,
			map[string]any{"id": m.id}, neo4j.EagerResultTransformer, s.dbOpt())
		if err != nil {
			return fmt.Errorf("neo4j: record migration %s: %w", m.id, err)
		}
	}
	return nil
}

// backfillKeys gives every edge of k's type without a key its key, in
// one pass over the type and a transaction per keyBackfillBatch edges
// (an auto-commit statement, as CALL … IN TRANSACTIONS must be). It only
// fills what is missing, so a run cut short, or one beside another
// process's (a transient conflict is tried again), converges.
func (s *Store) backfillKeys(ctx context.Context, k listKey) error {
	var err error
	for range 3 {
		if err = s.runAutoCommit(ctx, k.backfill(), map[string]any{"batch": keyBackfillBatch}); err == nil || !transient(err) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("neo4j: backfill %s: %w", k.prop, err)
	}
	return nil
}

// runAutoCommit runs one statement in its own implicit transaction.
func (s *Store) runAutoCommit(ctx context.Context, cypher string, params map[string]any) error {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// backfillSearchNames gives every named person without a searchName one.
func (s *Store) backfillSearchNames(ctx context.Context) error {
	for {
		res, err := neo4j.ExecuteQuery(ctx, s.driver, `MATCH (p:Person) WHERE p.searchName IS NULL AND p.name IS NOT NULL
RETURN p.id AS id, p.name AS name LIMIT $limit`, map[string]any{"limit": searchBackfillBatch}, neo4j.EagerResultTransformer, s.dbOpt())
		if err != nil {
			return fmt.Errorf("neo4j: persons without a search name: %w", err)
		}
		if len(res.Records) == 0 {
			return nil
		}
		rows := make([]map[string]any, 0, len(res.Records))
		for _, r := range res.Records {
			f := &fields{src: r, what: "person without a search name"}
			id, name := req[string](f, "id"), req[string](f, "name")
			if f.err != nil {
				return f.err
			}
			rows = append(rows, map[string]any{"id": id, "search": domain.SearchKey(name)})
		}
		_, err = neo4j.ExecuteQuery(ctx, s.driver, `UNWIND $rows AS row MATCH (p:Person {id: row.id}) SET p.searchName = row.search`,
			map[string]any{"rows": rows}, neo4j.EagerResultTransformer, s.dbOpt())
		if err != nil {
			return fmt.Errorf("neo4j: set search names: %w", err)
		}
	}
}
