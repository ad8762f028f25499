package neo4jstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestReadRetriesTransientFailuresBoundedly: a transient failure is
// tried again up to readAttempts tries in all, a lasting one is not, no
// try begins once the window has passed, and a cancelled context ends
// the waiting.
func TestReadRetriesTransientFailuresBoundedly(t *testing.T) {
	flaky := &neo4j.ConnectivityError{Inner: errors.New("connection reset")}
	lasting := &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"}
	if !transient(flaky) || transient(lasting) {
		t.Fatalf("classifier: transient(flaky) %v, transient(lasting) %v", transient(flaky), transient(lasting))
	}
	failing := func(calls *int, err error, okAt int) func() error {
		return func() error {
			*calls++
			if *calls == okAt {
				return nil
			}
			return err
		}
	}
	for _, tc := range []struct {
		name      string
		err       error
		okAt      int
		start     time.Time
		wantCalls int
		wantErr   bool
	}{
		{"transient until it runs out", flaky, 0, time.Now(), readAttempts, true},
		{"transient, then fine", flaky, 2, time.Now(), 2, false},
		{"lasting", lasting, 0, time.Now(), 1, true},
		{"past the window", flaky, 0, time.Now().Add(-readRetryWindow - time.Second), 1, true},
	} {
		calls := 0
		err := retryTransient(context.Background(), tc.start, failing(&calls, tc.err, tc.okAt))
		if calls != tc.wantCalls || (err != nil) != tc.wantErr || (err != nil && !errors.Is(err, tc.err)) {
			t.Errorf("%s: %d tries, err %v; want %d tries, an error %v", tc.name, calls, err, tc.wantCalls, tc.wantErr)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	begun := time.Now()
	if err := retryTransient(ctx, begun, failing(&calls, flaky, 0)); calls != 1 || !errors.Is(err, flaky) || time.Since(begun) >= readRetryBackoff {
		t.Errorf("cancelled: %d tries in %v, err %v; want 1 try and no wait", calls, time.Since(begun), err)
	}
}
