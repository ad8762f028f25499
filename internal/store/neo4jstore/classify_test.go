package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/store"
)

func TestClassifyMarksTheDatabasesTroubleTransient(t *testing.T) {
	code := func(c string) error { return &neo4j.Neo4jError{Code: c, Msg: c} }
	cases := []struct {
		name      string
		err       error
		transient bool
	}{
		{"deadlock", code("Neo.TransientError.Transaction.DeadlockDetected"), true},
		{"lock timeout", code("Neo.TransientError.Transaction.LockAcquisitionTimeout"), true},
		{"not a leader", code("Neo.ClientError.Cluster.NotALeader"), true},
		{"read-only follower", code("Neo.ClientError.General.ForbiddenOnReadOnlyDatabase"), true},
		{"database unavailable", code("Neo.TransientError.General.DatabaseUnavailable"), true},
		{"service unavailable", &neo4j.ConnectivityError{Inner: errors.New("connection refused")}, true},
		{"retries ran out", &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{code("Neo.TransientError.Transaction.DeadlockDetected")}}, true},
		{"wrapped", fmt.Errorf("neo4j: execute x: %w", code("Neo.TransientError.Transaction.DeadlockDetected")), true},
		{"syntax error", code("Neo.ClientError.Statement.SyntaxError"), false},
		{"constraint", code("Neo.ClientError.Schema.ConstraintValidationFailed"), false},
		{"deadline", context.DeadlineExceeded, false},
		{"other", errors.New("boom"), false},
	}
	for _, c := range cases {
		got := Classify(c.err)
		if errors.Is(got, store.ErrTransient) != c.transient {
			t.Errorf("%s: transient = %v, want %v", c.name, !c.transient, c.transient)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%s: the original error is lost", c.name)
		}
	}
}
