package neo4jstore

import (
	"context"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// deletionStatements erase a person, in this order, in the decision's
// transaction. The first takes the person's write lock, so that the
// balance the second burns cannot change under it (a transfer to them
// waits, then finds no person). Records of coins others received from them
// stay: those coins are the others' now. Reference tokens made before
// they carried a person id stay until they expire; the gateway refuses
// the access tokens behind them.
var deletionStatements = []string{
	`MATCH (p:Person {id: $id}) SET p.balance = coalesce(p.balance, 0)`,
	`MATCH (p:Person {id: $id}) WHERE p.balance > 0
MERGE (t:Transfer {id: $tid}) ON CREATE SET t.kind = 'BURN', t.amount = p.balance, t.at = $at
SET p.balance = 0`,
	// The inbox goes with its person: its nodes hang off the person only.
	`MATCH (:Person {id: $id})-[:HAS_NOTIFICATION]->(n:Notification) DETACH DELETE n`,
	// The memos they wrote go; the coins stay with their recipients, and
	// the records keep the party's id once its node is gone.
	`MATCH (:Person {id: $id})-[:SENT]->(t:Transfer) REMOVE t.memo SET t.fromId = $id`,
	`MATCH (t:Transfer)-[:RECEIVED_BY]->(:Person {id: $id}) SET t.toId = $id`,
	`MATCH (p:Person {id: $id}) DETACH DELETE p`,
	`MATCH (a:Account {personId: $id}) DETACH DELETE a`,
	`MATCH (t:RefreshToken {personId: $id}) DETACH DELETE t`,
	`MATCH (f:TokenFamily {personId: $id}) DETACH DELETE f`,
	`MATCH (r:ReferenceToken {personId: $id}) DELETE r`,
	// Their data on the event store becomes unreadable with the key.
	cypherDestroyKey,
	// The recorded outcomes of their commands hold their events in clear
	// text: keep status and id only (ids are UUIDs, so the concatenation
	// is valid JSON). A redelivered command of theirs then replays an
	// outcome that publishes nothing, rather than being decided again.
	// Rejected outcomes carry no events.
	`MATCH (c:Command {actor: $id}) WHERE c.status = 'APPLIED'
SET c.outcome = '{"commandId":"' + c.id + '","status":"APPLIED"}'`,
}

// applyDeletion applies EvAccountDeleted.
func applyDeletion(ctx context.Context, tx neo4j.ManagedTransaction, ev domain.Event) error {
	var d domain.AccountDeletedData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	params := map[string]any{"id": d.PersonID, "tid": ev.CommandID, "at": ev.At}
	for _, cypher := range deletionStatements {
		if _, err := tx.Run(ctx, cypher, params); err != nil {
			return fmt.Errorf("apply %s %s: %w", ev.Type, ev.ID, err)
		}
	}
	return nil
}
