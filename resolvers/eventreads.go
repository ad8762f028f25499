package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// An event delivered to many subscribers is resolved once per selection:
// the planned read of each person it names (event.person, followee,
// notification.actor) is shared by every subscriber whose selection plans
// the same read, so one event costs one statement per person and
// selection, not one per subscriber. A planned read is the same for every
// caller: private fields are hidden per caller when the read is mapped
// (app.MaySee), and blocks decide who is told of an event, not what its
// persons look like.
const (
	// eventReadsMax bounds the shared reads kept (a table keyed by client
	// selections); the oldest go first.
	eventReadsMax = 4096
	// eventReadTTL: a later delivery of the same event (a subscriber
	// resuming from a cursor) reads again rather than showing old data.
	eventReadTTL = 5 * time.Second
	// eventReadTimeout bounds a shared read, which outlives the subscriber
	// that started it.
	eventReadTimeout = 5 * time.Second
)

type eventReadKey struct{ event, person, plan string }

// eventRead is one shared read: done closes when read and err are set.
type eventRead struct {
	key  eventReadKey
	done chan struct{}
	at   time.Time
	read *store.PersonRead
	err  error
	size int // persons the read holds, once kept
	// kept: counted in held; evicted: out of the table (both under mu).
	kept, evicted bool
}

// eventReads is the table of shared reads; its zero value is ready. It
// holds at most eventReadsMax reads and eventReadsMaxPersons persons in
// them, none older than eventReadTTL once another read starts.
type eventReads struct {
	mu      sync.Mutex
	entries map[eventReadKey]*eventRead
	order   []*eventRead // oldest first
	held    int          // persons in the kept reads
}

// eventReadsMaxPersons bounds the persons the kept reads hold together
// (a read planned at the complexity limit may hold thousands).
const eventReadsMaxPersons = 50_000

// get returns the read of key, made by fetch for the first caller and
// waited for by the others. A failed or empty read is not kept (an empty
// one may be a person still being projected), nor one that panicked.
func (t *eventReads) get(ctx context.Context, key eventReadKey, fetch func(context.Context) (*store.PersonRead, error)) (*store.PersonRead, error) {
	e, first := t.entry(key)
	if first {
		t.fill(ctx, e, fetch)
	}
	select {
	case <-e.done:
		return e.read, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fill runs fetch for e and releases its waiters whatever happens: a
// panic fails them and is raised again for the starter's recovery.
func (t *eventReads) fill(ctx context.Context, e *eventRead, fetch func(context.Context) (*store.PersonRead, error)) {
	settled := false
	defer func() {
		if !settled {
			e.err = fmt.Errorf("reading person %s for event %s: the read panicked", e.key.person, e.key.event)
			t.settle(e)
		}
	}()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventReadTimeout)
	defer cancel()
	e.read, e.err = fetch(rctx)
	settled = true
	t.settle(e)
}

// settle keeps e if its read is worth sharing, forgets it otherwise, and
// releases its waiters.
func (t *eventReads) settle(e *eventRead) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case e.err != nil || e.read == nil:
		if t.entries[e.key] == e {
			delete(t.entries, e.key)
		}
	case !e.evicted:
		e.size, e.kept = personsIn(*e.read), true
		t.held += e.size
	}
	close(e.done)
}

// entry finds key's read, or starts one (first is then true), after
// dropping the reads that are too old or too many.
func (t *eventReads) entry(key eventReadKey) (e *eventRead, first bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if e, ok := t.entries[key]; ok && now.Sub(e.at) < eventReadTTL {
		return e, false
	}
	if t.entries == nil {
		t.entries = map[eventReadKey]*eventRead{}
	}
	for len(t.order) > 0 && (len(t.order) >= eventReadsMax || t.held > eventReadsMaxPersons || now.Sub(t.order[0].at) >= eventReadTTL) {
		old := t.order[0]
		t.order[0] = nil
		t.order = t.order[1:]
		old.evicted = true
		if old.kept {
			t.held -= old.size
		}
		if t.entries[old.key] == old {
			delete(t.entries, old.key)
		}
	}
	e = &eventRead{key: key, done: make(chan struct{}), at: now}
	t.order = append(t.order, e)
	t.entries[key] = e
	return e, true
}

// personsIn counts the persons a planned read holds.
func personsIn(r store.PersonRead) int {
	n := 1
	for _, l := range r.Lists {
		for _, m := range l.Members {
			n += personsIn(m)
		}
	}
	return n
}

// eventPerson resolves a person an event names, planned by the field's
// selection and read once for every subscriber of the event with the same
// selection (in a query, through the loaders). nil when there is no such
// person.
func (r *Resolver) eventPerson(ctx context.Context, eventID, personID string) (*gqlmodel.Person, error) {
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Subscription {
		// A query's page of notifications batches its actors in the
		// loaders: one read for the page, not one per notification.
		return r.findPerson(ctx, personID)
	}
	plan, keys := planSelection(op, graphql.GetFieldContext(ctx).Field.Selections)
	planKey, err := json.Marshal(plan)
	if err != nil {
		return nil, err
	}
	read, err := r.events.get(ctx, eventReadKey{event: eventID, person: personID, plan: string(planKey)},
		func(ctx context.Context) (*store.PersonRead, error) {
			return r.App.Queries.Person(ctx, app.PersonByID{ID: personID, Plan: plan})
		})
	if err != nil || read == nil {
		return nil, err
	}
	return prefetched(ctx, *read, keys), nil
}

// mustEventPerson is eventPerson for non-null fields: a missing person is
// an error (it can only be one still being projected).
func (r *Resolver) mustEventPerson(ctx context.Context, eventID, personID string) (*gqlmodel.Person, error) {
	p, err := r.eventPerson(ctx, eventID, personID)
	if err == nil && p == nil {
		return nil, domain.NotFound("person %s not found", personID)
	}
	return p, err
}
