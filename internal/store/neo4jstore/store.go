// Package neo4jstore is the production graph store on Neo4j. Every statement
// is a constant with parameters; labels and relationship types are fixed in
// the text, never built from input.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Config says how to reach Neo4j.
type Config struct {
	URI      string
	User     string
	Password string
	Database string // "" means the server's default database
}

// Store is the Neo4j graph store (store.GraphStore); Identity is its
// identity store.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	// reads is shared by every read so that a bookmark observed from any
	// command outcome (possibly applied by another process) makes later
	// reads wait for that write: read-your-writes across gateways.
	reads neo4j.BookmarkManager
	now   func() time.Time
	// retention of notifications (store.RetentionSetter)
	retention time.Duration
}

var _ store.GraphStore = (*Store)(nil)

// Open connects, verifies connectivity and creates the schema.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("neo4j: URI is required")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		return nil, fmt.Errorf("neo4j: create driver: %w", err)
	}
	s := &Store{driver: drv, db: cfg.Database, reads: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{}), now: time.Now,
		retention: store.DefaultNotificationRetention}
	if err := drv.VerifyConnectivity(ctx); err != nil {
		_ = drv.Close(ctx)
		return nil, fmt.Errorf("neo4j: connect to %s: %w", cfg.URI, err)
	}
	if err := s.ensureSchema(ctx); err != nil {
		_ = drv.Close(ctx)
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		_ = drv.Close(ctx)
		return nil, err
	}
	return s, nil
}

var schema = []string{
	"CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE",
	"CREATE CONSTRAINT interest_name IF NOT EXISTS FOR (i:Interest) REQUIRE i.name IS UNIQUE",
	"CREATE CONSTRAINT command_id IF NOT EXISTS FOR (c:Command) REQUIRE c.id IS UNIQUE",
	"CREATE CONSTRAINT account_email IF NOT EXISTS FOR (a:Account) REQUIRE a.email IS UNIQUE",
	"CREATE CONSTRAINT account_person IF NOT EXISTS FOR (a:Account) REQUIRE a.personId IS UNIQUE",
	"CREATE CONSTRAINT account_provider IF NOT EXISTS FOR (a:Account) REQUIRE a.provider IS UNIQUE",
	"CREATE CONSTRAINT transfer_id IF NOT EXISTS FOR (t:Transfer) REQUIRE t.id IS UNIQUE",
	"CREATE CONSTRAINT refresh_token_hash IF NOT EXISTS FOR (t:RefreshToken) REQUIRE t.hash IS UNIQUE",
	"CREATE CONSTRAINT token_family_id IF NOT EXISTS FOR (f:TokenFamily) REQUIRE f.id IS UNIQUE",
	"CREATE CONSTRAINT reference_token_hash IF NOT EXISTS FOR (r:ReferenceToken) REQUIRE r.hash IS UNIQUE",
	// Search matches domain.SearchKey words, already folded in Go, so the
	// index splits on spaces only and never drops a word as a stop word.
	"CREATE FULLTEXT INDEX person_search IF NOT EXISTS FOR (p:Person) ON EACH [p.searchName] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
	"CREATE INDEX interested_since IF NOT EXISTS FOR ()-[r:INTERESTED_IN]-() ON (r.since)",
	// A deleted account's refresh tokens and families are found by person.
	"CREATE INDEX refresh_token_person IF NOT EXISTS FOR (t:RefreshToken) ON (t.personId)",
	"CREATE INDEX token_family_person IF NOT EXISTS FOR (f:TokenFamily) ON (f.personId)",
	"CREATE INDEX reference_token_person IF NOT EXISTS FOR (r:ReferenceToken) ON (r.personId)",
	"CREATE CONSTRAINT notification_id IF NOT EXISTS FOR (n:Notification) REQUIRE n.id IS UNIQUE",
	// One key per person (keys.go), and a deletion finds the person's
	// command records to scrub by actor.
	"CREATE CONSTRAINT person_key_id IF NOT EXISTS FOR (k:PersonKey) REQUIRE k.personId IS UNIQUE",
	"CREATE INDEX command_actor IF NOT EXISTS FOR (c:Command) ON (c.actor)",
	// Followers and an interest's persons are paged by these keys
	// (listkey.go). The reads hint them; until an index is online the
	// hint is only a notification, and a page reads every edge again.
	followersKey.schema(),
	personsKey.schema(),
}

func (s *Store) ensureSchema(ctx context.Context) error {
	for _, stmt := range schema {
		var err error
		// Several processes may start at once; a concurrent creation of the
		// same constraint fails one of them, and the retry then finds it.
		for range 3 {
			if _, err = neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer, s.dbOpt()); err == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			return fmt.Errorf("neo4j: schema %q: %w", stmt, err)
		}
	}
	return nil
}

func (s *Store) dbOpt() neo4j.ExecuteQueryConfigurationOption {
	return neo4j.ExecuteQueryWithDatabase(s.db)
}

// ObserveBookmarks makes later reads wait until the writes behind the
// bookmarks are visible.
func (s *Store) ObserveBookmarks(ctx context.Context, bookmarks []string) {
	if len(bookmarks) > 0 {
		_ = s.reads.UpdateBookmarks(ctx, nil, bookmarks)
	}
}

// Ready implements store.GraphStore.
func (s *Store) Ready(ctx context.Context) error {
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, "RETURN 1", nil, neo4j.EagerResultTransformer, s.dbOpt()); err != nil {
		return fmt.Errorf("neo4j: not ready: %w", err)
	}
	return nil
}

// Close implements store.GraphStore.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// read runs a read statement with the shared bookmark manager, as an
// auto-commit transaction: RUN and PULL in one round trip. A managed
// transaction (ExecuteQuery) adds BEGIN and a COMMIT in a second round
// trip, which one statement that only reads does not need: the nested
// read's statement alone ran a fifth faster without them. Transient
// failures (classify.go: a cluster member gone, a leader switch) are
// tried again by retryTransient.
func (s *Store) read(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	start := time.Now()
	defer observe(metrics.TxRead, start)
	var recs []*neo4j.Record
	err := retryTransient(ctx, start, func() (err error) {
		recs, err = s.readOnce(ctx, cypher, params)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j: query: %w", err)
	}
	return recs, nil
}

// retryTransient runs try until it succeeds or fails for good. A
// transient failure is tried again: at most readAttempts tries in all,
// waiting attempt*readRetryBackoff between them, and none begun once
// readRetryWindow has passed since start: a failure that took long to
// come (a wait for a connection of a full pool, a minute) is not
// repeated, and an overloaded database is not asked again and again. It
// returns try's last error.
func retryTransient(ctx context.Context, start time.Time, try func() error) error {
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil || attempt == readAttempts || !transient(err) || time.Since(start) > readRetryWindow {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * readRetryBackoff):
		}
	}
}

// The bounds of retryTransient.
const (
	readAttempts     = 3
	readRetryBackoff = 100 * time.Millisecond
	readRetryWindow  = 5 * time.Second
)

// readOnce reads in a session of its own; a failure to close it is the
// read's failure, as with ExecuteQuery.
func (s *Store) readOnce(ctx context.Context, cypher string, params map[string]any) (_ []*neo4j.Record, err error) {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.db,
		BookmarkManager: s.reads})
	defer func() { err = errors.Join(err, sess.Close(ctx)) }()
	res, err := sess.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	// Not res.Collect: it makes room for 1,024 records first, 8 KB for a
	// read of one.
	var recs []*neo4j.Record
	for res.Next(ctx) {
		recs = append(recs, res.Record())
	}
	return recs, res.Err()
}

func isConstraintViolation(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed"
}
