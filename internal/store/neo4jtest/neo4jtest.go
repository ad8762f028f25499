// Package neo4jtest opens the Neo4j store for integration tests. The
// store's own internal tests cannot use it (it imports the store); they
// have openTestStore.
package neo4jtest

import (
	"context"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// Open opens a store of the test's own on the test Neo4j server
// (testsupport.Neo4jServer: the test fails, or is skipped where allowed,
// without one), closed when the test ends.
func Open(t testing.TB) *neo4jstore.Store {
	t.Helper()
	srv := testsupport.Neo4jServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: srv.URI, User: srv.User, Password: srv.Password})
	if err != nil {
		t.Fatalf("open the Neo4j store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}
