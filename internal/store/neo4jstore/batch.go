package neo4jstore

import (
	"context"
	"fmt"
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
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
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
