package memory

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// ExecuteBatch implements store.BatchExecutor: the commands one after the
// other under one hold of the lock, so no other writer comes between them.
// Unlike a Neo4j transaction a failure rolls nothing back: the commands
// before the failing one stay applied and recorded, and executing them
// again replays them.
func (s *Store) ExecuteBatch(ctx context.Context, cmds []domain.Command, decide store.DecideFunc) ([]store.Executed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	done := make([]store.Executed, 0, len(cmds))
	for i, cmd := range cmds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out, replayed, err := s.executeLocked(ctx, cmd, decide)
		if err != nil {
			return nil, &store.BatchError{Index: i, CommandID: cmd.ID, Err: err}
		}
		done = append(done, store.Executed{Outcome: out, Replayed: replayed})
	}
	return done, nil
}
