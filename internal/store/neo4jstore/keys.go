package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/shred"
)

// Person keys are (:PersonKey {personId, key, destroyed}) nodes, unique by
// personId. They are not part of the projection (rebuild -wipe keeps
// them: a rebuild needs them to read the event store), and a destroyed
// key stays as a tombstone without its key, so none is made again.

// cypherDestroyKey destroys a key, or leaves a tombstone where there was
// none; applyDeletion runs it in the deletion's transaction.
const cypherDestroyKey = `MERGE (k:PersonKey {personId: $id}) SET k.destroyed = true REMOVE k.key`

// GetOrCreatePersonKey implements store.PersonKeys. The key is drawn
// before the statement and kept only if the MERGE creates the node, so two
// callers racing get the same key (the uniqueness constraint serialises
// them).
func (s *Store) GetOrCreatePersonKey(ctx context.Context, personID string) ([]byte, error) {
	fresh, err := shred.NewKey()
	if err != nil {
		return nil, err
	}
	res, err := neo4j.ExecuteQuery(ctx, s.driver,
		`MERGE (k:PersonKey {personId: $id}) ON CREATE SET k.key = $key, k.destroyed = false RETURN k.key AS key`,
		map[string]any{"id": personID, "key": fresh}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return nil, Classify(fmt.Errorf("neo4j: key of %s: %w", personID, err))
	}
	return keyOf(res.Records)
}

// PersonKey implements store.PersonKeys. It reads from the leader: a
// reader lagging behind the commit that made the key would find none,
// and the person's data would read as destroyed.
func (s *Store) PersonKey(ctx context.Context, personID string) ([]byte, error) {
	res, err := neo4j.ExecuteQuery(ctx, s.driver, `MATCH (k:PersonKey {personId: $id}) RETURN k.key AS key`,
		map[string]any{"id": personID}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return nil, Classify(fmt.Errorf("neo4j: key of %s: %w", personID, err))
	}
	return keyOf(res.Records)
}

// DestroyPersonKey implements store.PersonKeys.
func (s *Store) DestroyPersonKey(ctx context.Context, personID string) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver, cypherDestroyKey, map[string]any{"id": personID}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return Classify(fmt.Errorf("neo4j: destroy key of %s: %w", personID, err))
	}
	return nil
}

func keyOf(recs []*neo4j.Record) ([]byte, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	key, err := getOpt[[]byte](recs[0], "key")
	if err != nil {
		return nil, fmt.Errorf("neo4j: person key: %w", err)
	}
	return key, nil
}
