package neo4jstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

type execResult struct {
	out      domain.Outcome
	replayed bool
}

// Execute implements store.Executor. The transaction function has no side
// effects outside the transaction, because the driver retries it on
// transient errors such as deadlocks.
func (s *Store) Execute(ctx context.Context, cmd domain.Command, decide store.DecideFunc) (domain.Outcome, bool, error) {
	for attempt := 0; ; attempt++ {
		out, replayed, err := s.execute(ctx, cmd, decide)
		// Two consumers racing on one redelivered command: the loser's
		// CREATE of the command record violates the constraint, and the
		// second attempt reads the winner's outcome.
		if err != nil && isConstraintViolation(err) && attempt == 0 {
			continue
		}
		return out, replayed, err
	}
}

func (s *Store) execute(ctx context.Context, cmd domain.Command, decide store.DecideFunc) (domain.Outcome, bool, error) {
	r, bookmarks, err := writeTx(ctx, s, metrics.TxDecide, func(tx neo4j.ManagedTransaction) (execResult, error) {
		return decideAndRecord(ctx, tx, cmd, decide, s.now(), s.retention)
	})
	if err != nil {
		return domain.Outcome{}, false, Classify(fmt.Errorf("neo4j: execute %s: %w", cmd.ID, err))
	}
	r.out.Bookmarks = bookmarks
	return r.out, r.replayed, nil
}

// writeTx runs fn, which must have no side effects outside tx (the driver
// runs it again after a deadlock), in a write transaction traced and timed
// as kind, and returns its result with the transaction's bookmarks.
func writeTx[T any](ctx context.Context, s *Store, kind string, fn func(neo4j.ManagedTransaction) (T, error)) (_ T, _ []string, err error) {
	var zero T
	ctx, span := tracing.StartDB(ctx, kind)
	defer func() { tracing.End(span, err) }()
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	var lastTxErr error // the driver reports only the deadline if it ends its retries
	defer observe(kind, time.Now())
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		out, err := fn(tx)
		lastTxErr = err
		return out, err
	})
	if err != nil {
		if ctx.Err() != nil && lastTxErr != nil && transient(lastTxErr) {
			// Retrying a deadlock until the deadline: still the store's trouble.
			err = fmt.Errorf("%w (after %w)", err, lastTxErr)
		}
		return zero, nil, err
	}
	out, ok := res.(T)
	if !ok {
		return zero, nil, fmt.Errorf("transaction returned %T", res)
	}
	return out, sess.LastBookmarks(), nil
}

// cypherLockAndFindCommand takes the write locks of the persons a command
// relates (domain.Pair, in its order; reads are read-committed, so a block
// and a follow decided at once in two partitions would otherwise both see
// the state before the other) and finds the command's recorded outcome, in
// one round trip. Setting and removing a property changes nothing but
// holds the node's lock until the transaction ends.
const cypherLockAndFindCommand = `CALL {
  UNWIND $lock AS pid
  MATCH (p:Person {id: pid})
  SET p._LOCK_ = true
  REMOVE p._LOCK_
}
OPTIONAL MATCH (c:Command {id: $id})
RETURN c.outcome AS outcome`

// decideAndRecord is the transaction function of Execute: it has no side
// effects outside tx, as the driver may run it again.
func decideAndRecord(ctx context.Context, tx neo4j.ManagedTransaction, cmd domain.Command, decide store.DecideFunc, now time.Time, retention time.Duration) (execResult, error) {
	lock := domain.Pair(cmd)
	if lock == nil {
		lock = []string{}
	}
	rec, err := single(ctx, tx, cypherLockAndFindCommand, map[string]any{"id": cmd.ID, "lock": lock})
	if err != nil {
		return execResult{}, err
	}
	if rec == nil {
		return execResult{}, fmt.Errorf("looking up command %s: no row", cmd.ID)
	}
	raw, err := getOpt[string](rec, "outcome")
	if err != nil {
		return execResult{}, fmt.Errorf("recorded outcome of %s: %w", cmd.ID, err)
	}
	if raw != "" {
		var out domain.Outcome
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			return execResult{}, fmt.Errorf("decode recorded outcome of %s: %w", cmd.ID, err)
		}
		return execResult{out: out, replayed: true}, nil
	}
	st := txState{tx: tx}
	if retention > 0 {
		st.since = now.Add(-retention).UTC()
	}
	out, err := decide(ctx, st, cmd, now)
	if err != nil {
		return execResult{}, err
	}
	switch err := applyLive(ctx, tx, out.Events); {
	case errors.Is(err, domain.ErrInsufficientFunds):
		// The guard changed nothing; the command is recorded as rejected.
		out = domain.Rejected(cmd, domain.ReasonInsufficientFunds)
	case err != nil:
		return execResult{}, err
	}
	if err := applyInbox(ctx, tx, out.Events, retention); err != nil {
		return execResult{}, err
	}
	encoded, err := json.Marshal(out)
	if err != nil {
		return execResult{}, fmt.Errorf("encode outcome: %w", err)
	}
	_, err = tx.Run(ctx, "CREATE (:Command {id: $id, type: $type, actor: $actor, status: $status, outcome: $outcome, at: $at})",
		map[string]any{"id": cmd.ID, "type": string(cmd.Type), "actor": cmd.Actor, "status": string(out.Status), "outcome": string(encoded), "at": cmd.At})
	if err != nil {
		return execResult{}, fmt.Errorf("record command %s: %w", cmd.ID, err)
	}
	return execResult{out: out}, nil
}

// ApplyEvents implements store.Projector, in one transaction per batch.
func (s *Store) ApplyEvents(ctx context.Context, events []domain.Event) error {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	defer observe(metrics.TxApply, time.Now())
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, projectEvents(ctx, tx, events, s.retention)
	})
	if err != nil {
		return fmt.Errorf("neo4j: apply events: %w", err)
	}
	s.ObserveBookmarks(ctx, sess.LastBookmarks())
	return nil
}

// The edges with a listKey, made with it (listkey.go).
var (
	cypherInterestAdded = `MERGE (p:Person {id: $pid}) MERGE (i:Interest {name: $name})
` + mergeInterest("$at")
	// A follow replayed after a later block between the pair (a rebuild
	// orders persons' events independently) stays removed.
	cypherFollowed = `MERGE (a:Person {id: $a}) MERGE (b:Person {id: $b})
WITH a, b WHERE NOT EXISTS { (a)-[k:BLOCKS]-(b) WHERE k.since > $at }
` + mergeFollows("$at")
)

const (
	cypherRegistered      = `MERGE (p:Person {id: $id}) SET p.name = $name, p.email = $email, p.registeredAt = $at, p.searchName = $search`
	cypherInterestRemoved = `MERGE (p:Person {id: $pid}) MERGE (i:Interest {name: $name})
WITH p, i OPTIONAL MATCH (p)-[r:INTERESTED_IN]->(i) DELETE r`
	cypherUnfollowed = `MERGE (a:Person {id: $a}) MERGE (b:Person {id: $b})
WITH a, b OPTIONAL MATCH (a)-[r:FOLLOWS]->(b) DELETE r`
	// Ledger records are created once (by id); balances move only with them.
	cypherGranted = `MERGE (p:Person {id: $to})
WITH p OPTIONAL MATCH (x:Transfer {id: $tid})
WITH p, x WHERE x IS NULL
CREATE (:Transfer {id: $tid, kind: 'GRANT', amount: $amount, reason: $reason, at: $at})-[:RECEIVED_BY]->(p)
SET p.balance = coalesce(p.balance, 0) + $amount`
	cypherTransferred = `MERGE (s:Person {id: $from}) MERGE (r:Person {id: $to})
WITH s, r OPTIONAL MATCH (x:Transfer {id: $tid})
WITH s, r, x WHERE x IS NULL
CREATE (s)-[:SENT]->(:Transfer {id: $tid, kind: 'TRANSFER', amount: $amount, memo: $memo, at: $at})-[:RECEIVED_BY]->(r)
SET s.balance = coalesce(s.balance, 0) - $amount, r.balance = coalesce(r.balance, 0) + $amount`
	// The live transfer takes the sender's write lock before it reads the
	// balance (Neo4j reads are read-committed: a guard read without the lock
	// could pass for two concurrent transfers of the same coins).
	cypherLockSender      = `MATCH (s:Person {id: $from}) SET s._LOCK_ = true`
	cypherUnlockSender    = `MATCH (s:Person {id: $from}) REMOVE s._LOCK_`
	cypherGuardedTransfer = `MATCH (s:Person {id: $from}) WHERE s.balance >= $amount
MATCH (r:Person {id: $to})
CREATE (s)-[:SENT]->(t:Transfer {id: $tid, kind: 'TRANSFER', amount: $amount, memo: $memo, at: $at})-[:RECEIVED_BY]->(r)
SET s.balance = s.balance - $amount, r.balance = coalesce(r.balance, 0) + $amount
RETURN t.id AS id`
)

// applyLive applies a fresh decision's events: like applyEvents, except
// that a transfer is guarded by the sender's balance, under its lock, and
// fails with domain.ErrInsufficientFunds without changing anything.
func applyLive(ctx context.Context, tx neo4j.ManagedTransaction, events []domain.Event) error {
	var rest []domain.Event
	for _, ev := range events {
		if ev.Type != domain.EvCoinsTransferred {
			rest = append(rest, ev)
			continue
		}
		var d domain.CoinsTransferredData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		// The record exists when the command was applied before its record
		// of outcome was lost (a graph rebuilt from events has no command
		// records): the transfer happened, exactly once.
		if done, err := single(ctx, tx, "MATCH (t:Transfer {id: $tid}) RETURN 1", map[string]any{"tid": d.TransferID}); err != nil {
			return err
		} else if done != nil {
			continue
		}
		lock := map[string]any{"from": d.From}
		if _, err := tx.Run(ctx, cypherLockSender, lock); err != nil {
			return fmt.Errorf("lock sender: %w", err)
		}
		rec, err := single(ctx, tx, cypherGuardedTransfer, map[string]any{"from": d.From, "to": d.To, "tid": d.TransferID, "amount": d.Amount, "memo": d.Memo, "at": ev.At})
		if err != nil {
			return fmt.Errorf("transfer %s: %w", d.TransferID, err)
		}
		if _, err := tx.Run(ctx, cypherUnlockSender, lock); err != nil {
			return fmt.Errorf("unlock sender: %w", err)
		}
		if rec == nil {
			return domain.ErrInsufficientFunds
		}
	}
	return applyEvents(ctx, tx, rest)
}

func applyEvents(ctx context.Context, tx neo4j.ManagedTransaction, events []domain.Event) error {
	for _, ev := range events {
		var cypher string
		var params map[string]any
		switch ev.Type {
		case domain.EvPersonRegistered:
			var d domain.PersonRegisteredData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			cypher, params = cypherRegistered, map[string]any{"id": d.PersonID, "name": d.Name, "email": d.Email, "at": ev.At, "search": domain.SearchKey(d.Name)}
		case domain.EvInterestAdded, domain.EvInterestRemoved:
			var d domain.InterestData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			cypher = cypherInterestAdded
			if ev.Type == domain.EvInterestRemoved {
				cypher = cypherInterestRemoved
			}
			params = map[string]any{"pid": d.PersonID, "name": d.Interest, "at": ev.At}
		case domain.EvFollowed, domain.EvUnfollowed:
			var d domain.FollowData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			cypher = cypherFollowed
			if ev.Type == domain.EvUnfollowed {
				cypher = cypherUnfollowed
			}
			params = map[string]any{"a": d.FollowerID, "b": d.FolloweeID, "at": ev.At}
		case domain.EvCoinsGranted:
			var d domain.CoinsGrantedData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			cypher, params = cypherGranted, map[string]any{"to": d.PersonID, "tid": d.TransferID, "amount": d.Amount, "reason": d.Reason, "at": ev.At}
		case domain.EvCoinsTransferred:
			var d domain.CoinsTransferredData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			cypher, params = cypherTransferred, map[string]any{"from": d.From, "to": d.To, "tid": d.TransferID, "amount": d.Amount, "memo": d.Memo, "at": ev.At}
		case domain.EvProfileUpdated, domain.EvBlocked, domain.EvUnblocked, domain.EvMuted, domain.EvUnmuted, domain.EvRecommendationDismissed:
			var err error
			if cypher, params, err = socialStatement(ev); err != nil {
				return err
			}
		case domain.EvAccountDeleted:
			if err := applyDeletion(ctx, tx, ev); err != nil {
				return err
			}
			continue
		default:
			continue // an event type this version does not project
		}
		if _, err := tx.Run(ctx, cypher, params); err != nil {
			return fmt.Errorf("apply %s %s: %w", ev.Type, ev.ID, err)
		}
	}
	return nil
}

// txState answers domain.State inside the write transaction.
// txState answers a decider's questions inside tx. since is where the
// inbox's retention begins (zero: no cutoff): an older notification is no
// longer the person's to name, even before a newer one prunes it.
type txState struct {
	tx    neo4j.ManagedTransaction
	since time.Time
}

func (t txState) exists(ctx context.Context, cypher string, params map[string]any) (bool, error) {
	rec, err := single(ctx, t.tx, cypher, params)
	return rec != nil, err
}

func (t txState) PersonExists(ctx context.Context, id string) (bool, error) {
	return t.exists(ctx, "MATCH (p:Person {id: $id}) WHERE p.name IS NOT NULL RETURN 1", map[string]any{"id": id})
}

func (t txState) Follows(ctx context.Context, a, b string) (bool, error) {
	return t.exists(ctx, "MATCH (:Person {id: $a})-[:FOLLOWS]->(:Person {id: $b}) RETURN 1 LIMIT 1", map[string]any{"a": a, "b": b})
}

func (t txState) HasInterest(ctx context.Context, id, name string) (bool, error) {
	return t.exists(ctx, "MATCH (:Person {id: $id})-[:INTERESTED_IN]->(:Interest {name: $name}) RETURN 1 LIMIT 1", map[string]any{"id": id, "name": name})
}

func (t txState) HasNotification(ctx context.Context, personID, id string) (bool, error) {
	return t.exists(ctx, "MATCH (:Person {id: $p})-[:HAS_NOTIFICATION]->(n:Notification {id: $id}) WHERE n.at >= $since RETURN 1 LIMIT 1",
		map[string]any{"p": personID, "id": id, "since": t.since})
}

// InterestCount and FollowingCount count with COUNT {}, which reads the
// person's relationship degree instead of collecting a list.
func (t txState) InterestCount(ctx context.Context, id string) (int, error) {
	return t.count(ctx, "MATCH (p:Person {id: $id}) RETURN COUNT { (p)-[:INTERESTED_IN]->(:Interest) } AS n", id)
}

func (t txState) FollowingCount(ctx context.Context, id string) (int, error) {
	return t.count(ctx, "MATCH (p:Person {id: $id}) RETURN COUNT { (p)-[:FOLLOWS]->(:Person) } AS n", id)
}

func (t txState) count(ctx context.Context, cypher, id string) (int, error) {
	rec, err := single(ctx, t.tx, cypher, map[string]any{"id": id})
	if err != nil || rec == nil {
		return 0, err
	}
	c, err := get[int64](rec, "n")
	if err != nil {
		return 0, fmt.Errorf("count of %s: %w", id, err)
	}
	return int(c), nil
}

// single returns the first record or nil.
func single(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	if res.Next(ctx) {
		rec := res.Record()
		_, _ = res.Consume(ctx)
		return rec, nil
	}
	return nil, res.Err()
}

// observe records a transaction of kind that began at start (deferred, so
// failed transactions count too).
func observe(kind string, start time.Time) { metrics.Neo4jTransaction(kind, time.Since(start)) }
