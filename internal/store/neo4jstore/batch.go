package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

// ExecuteBatch implements store.BatchExecutor: one write transaction in
// which each command runs the statements Execute runs for it
// (decideAndRecord), in order. The transaction sees its own writes, so a
// command observes the ones before it: a follow then an unfollow end
// unfollowed, a transfer sees the balance earlier ones left (under the
// sender's lock and the guarded statement, as alone), and a command id met
// again finds the record made earlier in the transaction and is replayed.
// One BEGIN and one COMMIT (one log flush) serve the whole batch.
func (s *Store) ExecuteBatch(ctx context.Context, cmds []domain.Command, decide store.DecideFunc) ([]store.Executed, error) {
	for attempt := 0; ; attempt++ {
		done, err := s.executeBatch(ctx, cmds, decide)
		// As in Execute: a consumer racing another on a redelivered
		// command loses the CREATE of its record; the next attempt
		// replays the winner's outcome.
		if err != nil && isConstraintViolation(err) && attempt == 0 {
			continue
		}
		return done, err
	}
}

func (s *Store) executeBatch(ctx context.Context, cmds []domain.Command, decide store.DecideFunc) (_ []store.Executed, err error) {
	ctx, span := tracing.StartDB(ctx, metrics.TxDecideBatch)
	defer func() { tracing.End(span, err) }()
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	var lastTxErr error // the driver reports only the deadline if it ends its retries
	defer observe(metrics.TxDecideBatch, time.Now())
	// The transaction function has no side effects outside tx: the driver
	// runs it again after a deadlock, and each run starts from nothing.
	lock := batchLocks(cmds)
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := tx.Run(ctx, cypherLockBatch, lock); err != nil {
			lastTxErr = err
			return nil, fmt.Errorf("lock the batch's persons and interests: %w", err)
		}
		done := make([]store.Executed, 0, len(cmds))
		for i, cmd := range cmds {
			r, err := decideAndRecord(ctx, tx, cmd, decide, s.now(), s.retention)
			if err != nil {
				lastTxErr = err
				return nil, &store.BatchError{Index: i, CommandID: cmd.ID, Err: err}
			}
			er, ok := r.(execResult)
			if !ok {
				return nil, fmt.Errorf("command %s: decided %T", cmd.ID, r)
			}
			done = append(done, store.Executed{Outcome: er.out, Replayed: er.replayed})
		}
		lastTxErr = nil
		return done, nil
	})
	if err != nil {
		if ctx.Err() != nil && lastTxErr != nil && transient(lastTxErr) {
			// Retrying a deadlock until the deadline: still the store's trouble.
			err = fmt.Errorf("%w (after %w)", err, lastTxErr)
		}
		return nil, Classify(fmt.Errorf("neo4j: execute a batch of %d: %w", len(cmds), err))
	}
	done, ok := res.([]store.Executed)
	if !ok {
		return nil, fmt.Errorf("neo4j: execute a batch of %d: transaction returned %T", len(cmds), res)
	}
	bookmarks := sess.LastBookmarks()
	for i := range done {
		done[i].Outcome.Bookmarks = bookmarks
	}
	return done, nil
}

// cypherLockBatch takes, before anything else, the write locks of every
// person and interest the batch's commands may lock (domain.Touches), in
// sorted order. Two batches of different partitions then lock in one
// global order, persons before interests, instead of command by command
// in their own orders: without it they deadlock, and the driver's retry
// of a whole batch waits a second or more each time.
const cypherLockBatch = `CALL {
  UNWIND $persons AS pid
  MATCH (p:Person {id: pid})
  SET p._LOCK_ = true
  REMOVE p._LOCK_
}
CALL {
  UNWIND $interests AS name
  MATCH (i:Interest {name: name})
  SET i._LOCK_ = true
  REMOVE i._LOCK_
}
RETURN 1`

func batchLocks(cmds []domain.Command) map[string]any {
	persons, interests := map[string]bool{}, map[string]bool{}
	for _, cmd := range cmds {
		ps, is := domain.Touches(cmd)
		for _, p := range ps {
			persons[p] = true
		}
		for _, i := range is {
			interests[i] = true
		}
	}
	return map[string]any{"persons": sortedKeys(persons), "interests": sortedKeys(interests)}
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
