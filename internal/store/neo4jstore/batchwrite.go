package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// pendingWrites gathers what a run of decided commands writes, by kind, so
// that the run costs two statements however many commands it holds: one
// for the persons, grants and guarded transfers (whose results decide the
// transfers' outcomes), one for the edges, notifications and command
// records.
type pendingWrites struct {
	registered []map[string]any
	grants     []map[string]any
	transfers  []map[string]any
	interests  edgeOps // person, interest
	follows    edgeOps // follower, followee
	decided    []decided
}

// decided is a fresh decision of the run, at index in its batch.
type decided struct {
	index int
	cmd   domain.Command
	out   domain.Outcome
}

// edgeOps folds the run's changes of one kind of edge. Writing first every
// edge the run removed at some point, then every edge it holds at its end
// (with the time of the addition that created it: the first after its last
// removal), ends as applying the changes one by one would: an edge removed
// then added again is a new edge, an edge added twice keeps its first time.
type edgeOps struct {
	order []([2]string)
	ops   map[[2]string]*edgeOp
}

type edgeOp struct {
	removed, present bool
	at               time.Time
}

func (e *edgeOps) add(k [2]string, present bool, at time.Time) {
	if e.ops == nil {
		e.ops = map[[2]string]*edgeOp{}
	}
	op, ok := e.ops[k]
	if !ok {
		op = &edgeOp{}
		e.ops[k] = op
		e.order = append(e.order, k)
	}
	if present && !op.present {
		// Created by this addition (MERGE … ON CREATE): a repeated one,
		// which a replay can hold, changes nothing.
		op.at = at
	}
	if !present {
		op.removed = true
	}
	op.present = present
}

// rows returns the edges to remove and those to hold, as statement rows.
func (e *edgeOps) rows(a, b string) (removed, present []map[string]any) {
	removed, present = []map[string]any{}, []map[string]any{}
	for _, k := range e.order {
		op := e.ops[k]
		if op.removed {
			removed = append(removed, map[string]any{a: k[0], b: k[1]})
		}
		if op.present {
			present = append(present, map[string]any{a: k[0], b: k[1], "at": op.at})
		}
	}
	return removed, present
}

func (w *pendingWrites) empty() bool { return len(w.decided) == 0 }

// add gathers the writes of a fresh decision.
func (w *pendingWrites) add(d decided) error {
	w.decided = append(w.decided, d)
	for _, ev := range d.out.Events {
		if err := w.addEvent(ev); err != nil {
			return fmt.Errorf("command %s: %w", d.cmd.ID, err)
		}
	}
	return nil
}

func (w *pendingWrites) addEvent(ev domain.Event) error {
	switch ev.Type {
	case domain.EvPersonRegistered:
		var d domain.PersonRegisteredData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		w.registered = append(w.registered, map[string]any{"id": d.PersonID, "name": d.Name, "email": d.Email, "at": ev.At, "search": domain.SearchKey(d.Name)})
	case domain.EvCoinsGranted:
		var d domain.CoinsGrantedData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		w.grants = append(w.grants, map[string]any{"to": d.PersonID, "tid": d.TransferID, "amount": d.Amount, "reason": d.Reason, "at": ev.At})
	case domain.EvCoinsTransferred:
		var d domain.CoinsTransferredData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		w.transfers = append(w.transfers, map[string]any{"from": d.From, "to": d.To, "tid": d.TransferID, "amount": d.Amount, "memo": d.Memo, "at": ev.At})
	case domain.EvInterestAdded, domain.EvInterestRemoved:
		var d domain.InterestData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		w.interests.add([2]string{d.PersonID, d.Interest}, ev.Type == domain.EvInterestAdded, ev.At)
	case domain.EvFollowed, domain.EvUnfollowed:
		var d domain.FollowData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		w.follows.add([2]string{d.FollowerID, d.FolloweeID}, ev.Type == domain.EvFollowed, ev.At)
	default:
		return fmt.Errorf("event %s has no batched write", ev.Type)
	}
	return nil
}

// cypherWriteLedger registers persons, then grants, then runs the guarded
// transfers one row at a time (a CALL per row sees the balances the rows
// before it left; the batch holds every sender's lock), and returns the
// ids of the transfers the guard refused. A transfer whose record exists
// happened before (its outcome record was lost, as after a rebuild): it is
// not applied again, and not refused.
const cypherWriteLedger = cypherRegisterPersons + `CALL {
  UNWIND $grants AS g
  MATCH (p:Person {id: g.to})
  WHERE NOT EXISTS { MATCH (:Transfer {id: g.tid}) }
  CREATE (:Transfer {id: g.tid, kind: 'GRANT', amount: g.amount, reason: g.reason, at: g.at})-[:RECEIVED_BY]->(p)
  SET p.balance = coalesce(p.balance, 0) + g.amount
}
CALL {
  UNWIND $transfers AS t
  CALL {
    WITH t
    OPTIONAL MATCH (x:Transfer {id: t.tid})
    OPTIONAL MATCH (s:Person {id: t.from}) WHERE x IS NULL AND s.balance >= t.amount
    OPTIONAL MATCH (r:Person {id: t.to}) WHERE s IS NOT NULL
    FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
      CREATE (s)-[:SENT]->(:Transfer {id: t.tid, kind: 'TRANSFER', amount: t.amount, memo: t.memo, at: t.at})-[:RECEIVED_BY]->(r)
      SET s.balance = s.balance - t.amount, r.balance = coalesce(r.balance, 0) + t.amount)
    RETURN x IS NOT NULL OR r IS NOT NULL AS ok
  }
  WITH t, ok WHERE NOT ok
  RETURN collect(t.tid) AS refused
}
RETURN refused`

// cypherNotes stores notifications (none from an actor the recipient
// blocks or mutes), then trims each recipient's inbox once: what is older
// than the retention before their newest notification of the batch, and
// the oldest beyond the cap. Trimming once per recipient instead of once
// per notification keeps a batch linear in the size of the inbox.
const cypherNotes = `CALL {
  UNWIND $notes AS n
  MERGE (p:Person {id: n.to})
  WITH p, n WHERE NOT EXISTS { (p)-[:BLOCKS|MUTES]->(:Person {id: n.actor}) }
  MERGE (x:Notification {id: n.id})
  ON CREATE SET x.kind = n.kind, x.at = n.at, x.actorId = n.actor, x.amount = n.amount, x.read = false
  MERGE (p)-[:HAS_NOTIFICATION]->(x)
}
CALL {
  UNWIND $inboxes AS b
  MATCH (p:Person {id: b.to})
  CALL {
    WITH p, b
    MATCH (p)-[:HAS_NOTIFICATION]->(o:Notification) WHERE o.at < b.cutoff
    DETACH DELETE o
  }
  CALL {
    WITH p
    WITH p, COUNT { (p)-[:HAS_NOTIFICATION]->() } - $cap AS excess
    WHERE excess > 0
    MATCH (p)-[:HAS_NOTIFICATION]->(o:Notification)
    WITH excess, o ORDER BY o.at ASC, o.id ASC
    WITH excess, collect(o) AS oldest
    UNWIND oldest[0..excess] AS o
    DETACH DELETE o
  }
}`

// cypherRegisterPersons writes the run's registrations, live or replayed.
const cypherRegisterPersons = `CALL {
  UNWIND $registered AS r
  MERGE (p:Person {id: r.id})
  SET p.name = r.name, p.email = r.email, p.registeredAt = r.at, p.searchName = r.search
}
`

// The removals of a run's folded edges (edgeOps), shared by the live
// batch and the projection: there is nothing to remove without the edge.
const (
	cypherRemoveInterests = `CALL {
  UNWIND $interestsRemoved AS e
  MATCH (:Person {id: e.p})-[r:INTERESTED_IN]->(:Interest {name: e.name})
  DELETE r
}
`
	cypherUnfollow = `CALL {
  UNWIND $unfollowed AS e
  MATCH (:Person {id: e.a})-[r:FOLLOWS]->(:Person {id: e.b})
  DELETE r
}
`
)

// cypherWriteGraph writes the run's edges (removals first, see edgeOps),
// notifications (cypherNotes) and command records. The decisions found
// every endpoint, so endpoints are matched, not merged.
var cypherWriteGraph = cypherRemoveInterests + `CALL {
  UNWIND $interestsHeld AS e
  MATCH (p:Person {id: e.p})
  MERGE (i:Interest {name: e.name})
  ` + mergeInterest("e.at") + `
}
` + cypherUnfollow + `CALL {
  UNWIND $followed AS e
  MATCH (a:Person {id: e.a}), (b:Person {id: e.b})
  WHERE NOT EXISTS { (a)-[k:BLOCKS]-(b) WHERE k.since > e.at }
  ` + mergeFollows("e.at") + `
}
` + cypherNotes + `
CALL {
  UNWIND $records AS c
  CREATE (:Command {id: c.id, type: c.type, actor: c.actor, status: c.status, outcome: c.outcome, at: c.at})
}
RETURN 1`

// flush writes the run and settles its outcomes: a transfer the guard
// refused is recorded and answered as REJECTED INSUFFICIENT_FUNDS, with no
// events. It returns the final decisions.
func (w *pendingWrites) flush(ctx context.Context, tx txState, retention time.Duration) ([]decided, error) {
	if w.empty() {
		return nil, nil
	}
	refused, err := w.writeLedger(ctx, tx)
	if err != nil {
		return nil, err
	}
	params := map[string]any{"cap": store.MaxNotifications}
	params["interestsRemoved"], params["interestsHeld"] = w.interests.rows("p", "name")
	params["unfollowed"], params["followed"] = w.follows.rows("a", "b")
	notes, records := []map[string]any{}, make([]map[string]any, 0, len(w.decided))
	for i := range w.decided {
		d := &w.decided[i]
		if refusedTransfer(d.out, refused) {
			d.out = domain.Rejected(d.cmd, domain.ReasonInsufficientFunds)
		}
		notes = append(notes, noteRows(d.out.Events, retention)...)
		encoded, err := json.Marshal(d.out)
		if err != nil {
			return nil, fmt.Errorf("encode outcome of %s: %w", d.cmd.ID, err)
		}
		records = append(records, map[string]any{"id": d.cmd.ID, "type": string(d.cmd.Type), "actor": d.cmd.Actor,
			"status": string(d.out.Status), "outcome": string(encoded), "at": d.cmd.At})
	}
	params["notes"], params["inboxes"], params["records"] = notes, inboxRows(notes), records
	if _, err := single(ctx, tx.tx, cypherWriteGraph, params); err != nil {
		return nil, fmt.Errorf("write a batch of %d: %w", len(w.decided), err)
	}
	done := w.decided
	*w = pendingWrites{}
	return done, nil
}

// writeLedger runs cypherWriteLedger when the run registers, grants or
// transfers, and returns the ids of the refused transfers.
func (w *pendingWrites) writeLedger(ctx context.Context, tx txState) (map[string]bool, error) {
	if len(w.registered)+len(w.grants)+len(w.transfers) == 0 {
		return nil, nil
	}
	rec, err := single(ctx, tx.tx, cypherWriteLedger, w.ledgerParams())
	if err != nil {
		return nil, fmt.Errorf("write persons and ledger: %w", err)
	}
	if rec == nil {
		return nil, fmt.Errorf("write persons and ledger: no row")
	}
	ids, err := getList[string](rec, "refused", false)
	if err != nil {
		return nil, err
	}
	refused := make(map[string]bool, len(ids))
	for _, id := range ids {
		refused[id] = true
	}
	return refused, nil
}

// inboxRows are the recipients of notes, each with the cutoff of their
// newest note, for cypherNotes's trimming.
func inboxRows(notes []map[string]any) []map[string]any {
	cutoffs := map[string]time.Time{}
	var order []string
	for _, n := range notes {
		to, _ := n["to"].(string)
		cut, _ := n["cutoff"].(time.Time)
		prev, seen := cutoffs[to]
		if !seen {
			order = append(order, to)
		}
		if !seen || cut.After(prev) {
			cutoffs[to] = cut
		}
	}
	rows := make([]map[string]any, 0, len(order))
	for _, to := range order {
		rows = append(rows, map[string]any{"to": to, "cutoff": cutoffs[to]})
	}
	return rows
}

// noteRows are the rows of cypherNotes for the notifications events cause.
func noteRows(events []domain.Event, retention time.Duration) []map[string]any {
	var rows []map[string]any
	for _, ev := range events {
		if n, ok := domain.NotificationOf(ev); ok {
			rows = append(rows, map[string]any{"to": n.Recipient, "id": n.ID, "kind": n.Kind, "at": n.At.UTC(),
				"actor": n.ActorID, "amount": n.Amount, "cutoff": n.At.Add(-retention).UTC()})
		}
	}
	return rows
}

func refusedTransfer(out domain.Outcome, refused map[string]bool) bool {
	for _, ev := range out.Events {
		var d domain.CoinsTransferredData
		if ev.Type == domain.EvCoinsTransferred && ev.DecodeData(&d) == nil && refused[d.TransferID] {
			return true
		}
	}
	return false
}

// ledgerParams are the run's registrations, grants and transfers as
// statement parameters.
func (w *pendingWrites) ledgerParams() map[string]any {
	return map[string]any{"registered": nonNil(w.registered), "grants": nonNil(w.grants), "transfers": nonNil(w.transfers)}
}

func nonNil(rows []map[string]any) []map[string]any {
	if rows == nil {
		return []map[string]any{}
	}
	return rows
}
