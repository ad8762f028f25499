package neo4jstore

import (
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/store"
)

// Classify marks err with store.ErrTransient when it is the database's
// trouble rather than the command's: what the driver retries on its own
// (deadlocks, lock timeouts, not-a-leader, unavailable or expired
// connections), still failing when the driver gave up. Other errors come
// back as they are.
func Classify(err error) error {
	if err == nil || errors.Is(err, store.ErrTransient) || !transient(err) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrTransient, err)
}

func transient(err error) bool {
	// neo4j.IsRetryable looks at the error itself only, not through
	// wrapping, so each kind is unwrapped here.
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		// The driver's retries ran out: transient if what it retried was.
		for _, e := range limit.Errors {
			if transient(e) {
				return true
			}
		}
		return false
	}
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) {
		// Includes "commit status unknown": safe to retry, as a command
		// found recorded is replayed, not applied again.
		return true
	}
	var dbe *neo4j.Neo4jError
	if errors.As(err, &dbe) {
		return dbe.IsRetriable()
	}
	return neo4j.IsRetryable(err) // pool timeouts and kinds not named here
}
