package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Persons registered before search existed have no searchName, so search
// would never find them. Their keys are computed in Go (domain.SearchKey
// folds case and accents as the index expects), a batch at a time, once
// per database: a :Migration node records that it ran.
const (
	migrationSearchNames = "person-search-names"
	searchBackfillBatch  = 1000
)

func (s *Store) migrate(ctx context.Context) error {
	recs, err := s.read(ctx, `OPTIONAL MATCH (m:Migration {id: $id}) RETURN m IS NOT NULL AS done`, map[string]any{"id": migrationSearchNames})
	if err != nil {
		return fmt.Errorf("neo4j: migrations: %w", err)
	}
	if len(recs) == 1 {
		if done, _ := recs[0].Get("done"); done == true {
			return nil
		}
	}
	if err := s.backfillSearchNames(ctx); err != nil {
		return err
	}
	_, err = neo4j.ExecuteQuery(ctx, s.driver, `MERGE (m:Migration {id: $id}) ON CREATE SET m.at = datetime()`,
		map[string]any{"id": migrationSearchNames}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return fmt.Errorf("neo4j: record migration: %w", err)
	}
	return nil
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
