package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// foldedEvents are the events a projection writes by kind, a run of them
// in one statement (cypherProject); the others, rarer, are applied one at
// a time between runs, as they come.
var foldedEvents = map[domain.EventType]bool{
	domain.EvPersonRegistered: true, domain.EvCoinsGranted: true, domain.EvCoinsTransferred: true,
	domain.EvInterestAdded: true, domain.EvInterestRemoved: true, domain.EvFollowed: true, domain.EvUnfollowed: true,
}

// cypherProject applies a run of folded events as they are, by kind, with
// the effect of applyEvents's statements one by one: persons merged where
// an event may come before the person's registration, ledger records
// created once by id, the follow guard against a later block, and edges
// folded as in edgeOps (a removal matches the edge; there is nothing to
// remove otherwise). Ledger rows run one at a time so that every balance
// adds up.
var cypherProject = cypherRegisterPersons + `CALL {
  UNWIND $grants AS g
  CALL {
    WITH g
    MERGE (p:Person {id: g.to})
    WITH p, g WHERE NOT EXISTS { MATCH (:Transfer {id: g.tid}) }
    CREATE (:Transfer {id: g.tid, kind: 'GRANT', amount: g.amount, reason: g.reason, at: g.at})-[:RECEIVED_BY]->(p)
    SET p.balance = coalesce(p.balance, 0) + g.amount
  }
}
CALL {
  UNWIND $transfers AS t
  CALL {
    WITH t
    MERGE (s:Person {id: t.from})
    MERGE (r:Person {id: t.to})
    WITH s, r, t WHERE NOT EXISTS { MATCH (:Transfer {id: t.tid}) }
    CREATE (s)-[:SENT]->(:Transfer {id: t.tid, kind: 'TRANSFER', amount: t.amount, memo: t.memo, at: t.at})-[:RECEIVED_BY]->(r)
    SET s.balance = coalesce(s.balance, 0) - t.amount, r.balance = coalesce(r.balance, 0) + t.amount
  }
}
` + cypherRemoveInterests + `CALL {
  UNWIND $interestsHeld AS e
  MERGE (p:Person {id: e.p})
  MERGE (i:Interest {name: e.name})
  ` + mergeInterest("e.at") + `
}
` + cypherUnfollow + `CALL {
  UNWIND $followed AS e
  MERGE (a:Person {id: e.a})
  MERGE (b:Person {id: e.b})
  WITH a, b, e WHERE NOT EXISTS { (a)-[k:BLOCKS]-(b) WHERE k.since > e.at }
  ` + mergeFollows("e.at") + `
}
` + cypherNotes + `
RETURN 1`

// projectEvents is the transaction function of ApplyEvents: runs of
// folded events cost one statement each, the others their own, in order.
func projectEvents(ctx context.Context, tx neo4j.ManagedTransaction, events []domain.Event, retention time.Duration) error {
	for start := 0; start < len(events); {
		if !foldedEvents[events[start].Type] {
			one := events[start : start+1]
			if err := applyEvents(ctx, tx, one); err != nil {
				return err
			}
			if err := applyInbox(ctx, tx, one, retention); err != nil {
				return err
			}
			start++
			continue
		}
		end := start + 1
		for end < len(events) && foldedEvents[events[end].Type] {
			end++
		}
		if err := projectRun(ctx, tx, events[start:end], retention); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func projectRun(ctx context.Context, tx neo4j.ManagedTransaction, events []domain.Event, retention time.Duration) error {
	var w pendingWrites
	for _, ev := range events {
		if err := w.addEvent(ev); err != nil {
			return fmt.Errorf("project %s %s: %w", ev.Type, ev.ID, err)
		}
	}
	notes := nonNil(noteRows(events, retention))
	params := w.ledgerParams()
	params["cap"], params["notes"], params["inboxes"] = store.MaxNotifications, notes, inboxRows(notes)
	params["interestsRemoved"], params["interestsHeld"] = w.interests.rows("p", "name")
	params["unfollowed"], params["followed"] = w.follows.rows("a", "b")
	if _, err := single(ctx, tx, cypherProject, params); err != nil {
		return fmt.Errorf("project %d events: %w", len(events), err)
	}
	return nil
}
