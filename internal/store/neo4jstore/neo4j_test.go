package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
	"github.com/interestgraph/interestgraph/internal/store/neo4jtest"
	"github.com/interestgraph/interestgraph/internal/store/storetest"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestContract runs the store contract against the real Neo4j of the dev
// stack. Every test uses fresh ids, so runs share the database safely.
func TestContract(t *testing.T) {
	s := openStore(t)
	storetest.RunGraph(t, func(*testing.T) storetest.Stores { return storetest.Stores{Graph: s, Identity: s.Identity()} })
	storetest.RunIdentity(t, func(*testing.T) store.IdentityStore { return s.Identity() })
}

func TestWrongPasswordIsRefused(t *testing.T) {
	srv := testsupport.Neo4jServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: srv.URI, User: srv.User, Password: srv.Password + "-wrong"}); err == nil {
		t.Fatal("Neo4j accepted a wrong password: authentication must be on")
	}
}

// TestMarkReadAfterRetention runs on a store of its own: it shortens the
// store's notification retention.
func TestMarkReadAfterRetention(t *testing.T) { storetest.MarkReadAfterRetention(t, openStore(t)) }

// openStore opens a store of the test's own on the dev stack's Neo4j,
// closed when the test ends.
func openStore(t *testing.T) *neo4jstore.Store { return neo4jtest.Open(t) }
