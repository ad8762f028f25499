package neo4jstore

import (
	"context"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// relationTypes allow-lists the relationship types of domain.Relation:
// a type cannot be a query parameter, so it is spliced in only from here.
var relationTypes = map[domain.Relation]string{
	domain.RelBlocks:    "BLOCKS",
	domain.RelMutes:     "MUTES",
	domain.RelDismissed: "DISMISSED",
}

// Related implements domain.State.
func (t txState) Related(ctx context.Context, from, to string, rel domain.Relation) (bool, error) {
	typ, ok := relationTypes[rel]
	if !ok {
		return false, fmt.Errorf("unknown relation %q", rel)
	}
	return t.exists(ctx, "MATCH (:Person {id: $a})-[:"+typ+"]->(:Person {id: $b}) RETURN 1 LIMIT 1", map[string]any{"a": from, "b": to})
}

// A block removes, in the same statement, both follows between the pair,
// whatever their time: the follower's consumer may run on a clock ahead
// of the blocker's. (So a rebuild that replays a follow made after an
// unblock before the block it followed loses that follow.)
const cypherBlocked = `MERGE (a:Person {id: $a}) MERGE (b:Person {id: $b})
MERGE (a)-[r:BLOCKS]->(b) ON CREATE SET r.since = $at
WITH a, b OPTIONAL MATCH (a)-[f:FOLLOWS]-(b) DELETE f`

// relationStatement is the statement that applies a relation event.
func relationStatement(ev domain.Event) (string, map[string]any, error) {
	rel, set, ok := domain.RelationEventOf(ev.Type)
	if !ok {
		return "", nil, fmt.Errorf("no statement for %s", ev.Type)
	}
	var d domain.RelationData
	if err := ev.DecodeData(&d); err != nil {
		return "", nil, err
	}
	params := map[string]any{"a": d.PersonID, "b": d.TargetID, "at": ev.At}
	typ := relationTypes[rel]
	switch {
	case rel == domain.RelBlocks && set:
		return cypherBlocked, params, nil
	case set:
		return `MERGE (a:Person {id: $a}) MERGE (b:Person {id: $b})
MERGE (a)-[r:` + typ + `]->(b) ON CREATE SET r.since = $at`, params, nil
	default:
		return `MATCH (:Person {id: $a})-[r:` + typ + `]->(:Person {id: $b}) DELETE r`, params, nil
	}
}
