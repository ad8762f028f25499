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
)

// ExecuteBatch implements store.BatchExecutor: one write transaction for
// the whole batch (one BEGIN, one COMMIT, one log flush). Runs of the
// common commands (batchedTypes) cost two or three statements each,
// however long: one reads their state (batchState), and after deciding
// them in order against it, one or two write their changes by kind
// (pendingWrites). A failed write is not one command's: the consumer then
// decides the batch one by one, which names it. Each decision observes the ones before it: a follow then
// an unfollow end unfollowed, a command id met again is replayed, and
// transfers are guarded row by row in batch order. Other commands run
// alone between runs, as Execute runs them (decideAndRecord), after the
// run before them is written.
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

func (s *Store) executeBatch(ctx context.Context, cmds []domain.Command, decide store.DecideFunc) ([]store.Executed, error) {
	done, bookmarks, err := writeTx(ctx, s, metrics.TxDecideBatch, func(tx neo4j.ManagedTransaction) ([]store.Executed, error) {
		// Each command its own time, as one by one: events, edges and
		// notifications of one batch keep their order by time, and a
		// follow and a block in one batch are never simultaneous.
		nows := make([]time.Time, len(cmds))
		for i := range nows {
			nows[i] = s.now()
		}
		return runBatch(ctx, txState{tx: tx}, cmds, decide, nows, s.retention)
	})
	if err != nil {
		return nil, Classify(fmt.Errorf("neo4j: execute a batch of %d: %w", len(cmds), err))
	}
	for i := range done {
		done[i].Outcome.Bookmarks = bookmarks
	}
	return done, nil
}

// batchedTypes are the commands decided in runs; the rest are rarer.
var batchedTypes = map[domain.CommandType]bool{
	domain.CmdRegisterPerson: true, domain.CmdAddInterest: true, domain.CmdRemoveInterest: true,
	domain.CmdFollow: true, domain.CmdUnfollow: true, domain.CmdTransferCoins: true,
}

// runBatch is the transaction function of ExecuteBatch: it has no side
// effects outside tx, as the driver may run it again after a deadlock.
func runBatch(ctx context.Context, tx txState, cmds []domain.Command, decide store.DecideFunc, nows []time.Time, retention time.Duration) ([]store.Executed, error) {
	done := make([]store.Executed, len(cmds))
	lock := batchLocks(cmds)
	for start := 0; start < len(cmds); {
		if batchedTypes[cmds[start].Type] {
			end := start + 1
			for end < len(cmds) && batchedTypes[cmds[end].Type] {
				end++
			}
			if err := decideRun(ctx, tx, cmds[start:end], start, lock, decide, nows[start:end], retention, done); err != nil {
				return nil, err
			}
			lock, start = batchLock{}, end
			continue
		}
		if !lock.empty() {
			if _, err := tx.tx.Run(ctx, cypherLockBatch, lock.params()); err != nil {
				return nil, fmt.Errorf("lock the batch's persons and interests: %w", err)
			}
			lock = batchLock{}
		}
		er, err := decideAndRecord(ctx, tx.tx, cmds[start], decide, nows[start], retention)
		if err != nil {
			return nil, &store.BatchError{Index: start, CommandID: cmds[start].ID, Err: err}
		}
		done[start] = store.Executed{Outcome: er.out, Replayed: er.replayed}
		start++
	}
	return done, nil
}

// decideRun decides a run of batchedTypes commands, the first at offset in
// its batch, into done.
func decideRun(ctx context.Context, tx txState, cmds []domain.Command, offset int, lock batchLock,
	decide store.DecideFunc, nows []time.Time, retention time.Duration, done []store.Executed) error {
	st := newBatchState(tx)
	recorded, err := st.prefetch(ctx, keysOf(cmds), lock)
	if err != nil {
		return err
	}
	var w pendingWrites
	first := map[string]int{} // command id -> index of its decision in this run
	dupOf := map[int]int{}
	for i, cmd := range cmds {
		idx := offset + i
		if out, ok := recorded[cmd.ID]; ok {
			done[idx] = store.Executed{Outcome: out, Replayed: true}
			continue
		}
		if j, ok := first[cmd.ID]; ok {
			dupOf[idx] = j // answered once the first is settled
			continue
		}
		first[cmd.ID] = idx
		out, err := decide(ctx, st, cmd, nows[i])
		if err == nil {
			err = applyAll(st, out.Events)
		}
		if err == nil {
			err = w.add(decided{index: idx, cmd: cmd, out: out})
		}
		if err != nil {
			return &store.BatchError{Index: idx, CommandID: cmd.ID, Err: err}
		}
	}
	final, err := w.flush(ctx, tx, retention)
	if err != nil {
		return err
	}
	for _, d := range final {
		done[d.index] = store.Executed{Outcome: d.out}
	}
	for i, j := range dupOf {
		done[i] = store.Executed{Outcome: done[j].Outcome, Replayed: true}
	}
	return nil
}

func applyAll(st *batchState, events []domain.Event) error {
	for _, ev := range events {
		if err := st.apply(ev); err != nil {
			return err
		}
	}
	return nil
}

// cypherLockBatch takes, before anything else, the write locks of every
// person and interest the batch's commands may lock (domain.Touches), in
// sorted order. Two batches of different partitions then lock in one
// global order, persons before interests, instead of command by command
// in their own orders: without it they deadlock, and the driver's retry
// of a whole batch waits a second or more each time.
const cypherLockBatch = lockCalls + `RETURN 1`

// lockCalls lock the persons and interests in $lockPersons and
// $lockInterests, in the order given.
const lockCalls = `CALL {
  UNWIND $lockPersons AS pid
  MATCH (p:Person {id: pid})
  SET p._LOCK_ = true
  REMOVE p._LOCK_
}
CALL {
  UNWIND $lockInterests AS name
  MATCH (i:Interest {name: name})
  SET i._LOCK_ = true
  REMOVE i._LOCK_
}
`

// batchLock is what a batch locks before anything else, each list sorted;
// it is taken once, by the batch's first statement.
type batchLock struct{ persons, interests []string }

func (l batchLock) empty() bool { return len(l.persons)+len(l.interests) == 0 }

func (l batchLock) params() map[string]any {
	return map[string]any{"lockPersons": nonNilStrings(l.persons), "lockInterests": nonNilStrings(l.interests)}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func batchLocks(cmds []domain.Command) batchLock {
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
	return batchLock{persons: sortedKeys(persons), interests: sortedKeys(interests)}
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
