package neo4jstore

import (
	"context"
	"encoding/json"
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
	if err := forgetInCommands(ctx, tx, d.PersonID); err != nil {
		return fmt.Errorf("apply %s %s: %w", ev.Type, ev.ID, err)
	}
	return nil
}

// personalCommandTypes are the commands whose events may carry personal
// fields: registration, profile and transfer (the memo).
var personalCommandTypes = []string{string(domain.CmdRegisterPerson), string(domain.CmdUpdateProfile), string(domain.CmdTransferCoins)}

// forgetInCommands empties the person's fields in the recorded outcomes of
// their applied commands (domain.ForgetPerson) and keeps the events: a
// redelivered command of theirs replays them without their data, and a
// transfer decided in the same batch as the deletion still publishes the
// coins it moved. Rejected outcomes carry no events.
func forgetInCommands(ctx context.Context, tx neo4j.ManagedTransaction, personID string) error {
	// Only these commands' events carry personal fields (domain.MapPersonal):
	// the work is the person's registrations, profile edits and transfers,
	// not every command they ever sent.
	res, err := tx.Run(ctx, `MATCH (c:Command {actor: $id}) WHERE c.status = 'APPLIED' AND c.type IN $types
RETURN c.id AS id, c.outcome AS outcome`,
		map[string]any{"id": personID, "types": personalCommandTypes})
	if err != nil {
		return fmt.Errorf("their command records: %w", err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return fmt.Errorf("their command records: %w", err)
	}
	rows := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		f := &fields{src: r, what: "command record"}
		id, raw := req[string](f, "id"), req[string](f, "outcome")
		if f.err != nil {
			return f.err
		}
		var out domain.Outcome
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			return fmt.Errorf("recorded outcome of %s: %w", id, err)
		}
		forgotten, err := domain.ForgetPerson(out, personID)
		if err != nil {
			return fmt.Errorf("recorded outcome of %s: %w", id, err)
		}
		encoded, err := json.Marshal(forgotten)
		if err != nil {
			return fmt.Errorf("recorded outcome of %s: %w", id, err)
		}
		rows = append(rows, map[string]any{"id": id, "outcome": string(encoded)})
	}
	if len(rows) == 0 {
		return nil
	}
	_, err = tx.Run(ctx, `UNWIND $rows AS r MATCH (c:Command {id: r.id}) SET c.outcome = r.outcome`, map[string]any{"rows": rows})
	return err
}
