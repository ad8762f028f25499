package store

import (
	"context"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Executed is what ExecuteBatch answers for one command of a batch.
type Executed struct {
	Outcome  domain.Outcome
	Replayed bool
}

// BatchExecutor decides several commands at once. ExecuteBatch does for
// each command, in order, what Execute does, in one transaction: each
// command sees the effects of those before it, and a command id that comes
// twice is decided once and replayed the second time. It answers one
// Executed per command, in the order of cmds.
//
// On error nothing is answered. The commands before the failing one may
// have been applied and recorded (the memory store keeps them) or not (the
// Neo4j transaction is rolled back), so the caller executes them again,
// which is safe: a recorded command is replayed. A failure of the command
// itself (its decision or its events) comes as a *BatchError naming it.
type BatchExecutor interface {
	ExecuteBatch(ctx context.Context, cmds []domain.Command, decide DecideFunc) ([]Executed, error)
}

// BatchError names the command of a batch that failed and why.
type BatchError struct {
	Index     int // in the batch
	CommandID string
	Err       error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("command %s (%d in its batch): %v", e.CommandID, e.Index, e.Err)
}

func (e *BatchError) Unwrap() error { return e.Err }
