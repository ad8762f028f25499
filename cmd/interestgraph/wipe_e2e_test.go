package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
	"github.com/interestgraph/interestgraph/internal/store/neo4jtest"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestRebuildWipeNeedsConfirmation: `rebuild -wipe` alone removes nothing
// and says what it would remove; `-confirm` alone is a mistake. (The
// removal itself is tested on labels of its own in neo4jstore: wiping the
// shared test database would pull the graph from under parallel tests.)
func TestRebuildWipeNeedsConfirmation(t *testing.T) {
	st := neo4jtest.Open(t)
	testsupport.KafkaBrokers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Make sure there is a projection to (not) remove.
	rs := startService(t, testConfig(t, realStack), roles{gateway: true, consumer: true})
	rs.register(t, "Wendy")
	before, err := st.CountLabels(ctx, neo4jstore.ProjectionLabels)
	if err != nil || before["Person"] == 0 {
		t.Fatalf("before: %v %v", before, err)
	}
	var out bytes.Buffer
	err = run([]string{"rebuild", "-wipe"}, &out)
	if !errors.Is(err, errWipeUnconfirmed) || !strings.Contains(err.Error(), " Person") || !strings.Contains(err.Error(), "-wipe -confirm") {
		t.Fatalf("rebuild -wipe without -confirm: %v", err)
	}
	after, err := st.CountLabels(ctx, []string{"Person"})
	if err != nil || after["Person"] < before["Person"] {
		t.Fatalf("persons before %d, after an unconfirmed wipe %d (%v)", before["Person"], after["Person"], err)
	}
	if err := run([]string{"rebuild", "-confirm"}, &out); err == nil || !strings.Contains(err.Error(), "-wipe") {
		t.Fatalf("rebuild -confirm alone: %v", err)
	}
}
