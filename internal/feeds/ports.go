package feeds

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/hub"
)

// Waiter answers the mutations waiting in this gateway (app.Waiter).
type Waiter interface {
	// Deliver hands out to whoever waits for its command. It must not
	// block: it is called from a partition's read loop.
	Deliver(out domain.Outcome)
}

// BookmarkObserver is a store whose reads can wait for writes made
// elsewhere (Neo4j): once it has observed a decision's bookmarks, its
// reads see that decision.
type BookmarkObserver interface {
	ObserveBookmarks(ctx context.Context, bookmarks []string)
}

// Hub is the subscription fan-out of this gateway (hub.Hub).
type Hub interface {
	// SetSource lets resumed subscriptions replay src up to next, where
	// the events feed starts; it is called before the first publish.
	SetSource(src hub.Source, next map[int]int64)
	// PublishTracedAt delivers ev, read at offset of partition, without
	// blocking; each partition's events come in offset order. parent is
	// the span that published ev, if its message carried one.
	PublishTracedAt(ev domain.Event, partition int, offset int64, parent trace.SpanContext)
}

// Keys is the key store the events are opened with (the graph store).
// The events feed reads it through one bounded cache (shred.Opener),
// shared by live and replayed events.
type Keys interface {
	// PersonKey returns the person's key, or nil (and no error) if they
	// have none or it was destroyed.
	PersonKey(ctx context.Context, personID string) ([]byte, error)
}

// Deletions is the gateway's table of deleted persons (gateway.Erased),
// whose tokens it refuses.
type Deletions interface {
	// Note records the AccountDeleted events among events.
	Note(events []domain.Event)
	// Window is how far back deletions matter (a token's lifetime).
	Window() time.Duration
}
