package gateway

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// maxErased bounds the table of deleted persons. Deletions are rare; past
// the bound the oldest entries go first (their tokens are the likeliest
// to have expired).
const maxErased = 100_000

// Erased remembers the persons whose accounts were deleted, for as long as
// an access token issued before the deletion may live (tokenTTL), so that
// such tokens are refused at once instead of at their expiry. Every
// gateway fills its own from the events it tails, and at start from the
// deletions on the event store within the last tokenTTL (Window).
type Erased struct {
	mu       sync.Mutex
	at       map[string]time.Time
	tokenTTL time.Duration
	now      func() time.Time
}

// erasedMargin is kept on top of the token lifetime: the verifier accepts
// tokens up to 30 s past their expiry, a refresh racing the deletion may
// issue a token just after it, and clocks differ between processes.
const erasedMargin = 2 * time.Minute

// NewErased returns an empty table for access tokens living tokenTTL.
func NewErased(tokenTTL time.Duration) *Erased {
	return &Erased{at: map[string]time.Time{}, tokenTTL: tokenTTL + erasedMargin, now: time.Now}
}

// Window is how far back deletions matter: a token's lifetime and a
// margin; tokens issued before it have expired.
func (e *Erased) Window() time.Duration { return e.tokenTTL }

// Note records the deletions among events (the gateway's event tail, and
// the event store's recent past at start), as of when they were decided.
func (e *Erased) Note(events []domain.Event) {
	for _, ev := range events {
		if ev.Type == domain.EvAccountDeleted {
			e.add(ev.Subject, ev.At)
		}
	}
}

// Add records that personID was deleted (this gateway's deleteAccount,
// before it answers APPLIED: its event may reach the event tail later).
func (e *Erased) Add(personID string) { e.add(personID, e.now()) }

func (e *Erased) add(personID string, at time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pruneLocked()
	if at.Before(e.now().Add(-e.tokenTTL)) {
		return // every token issued before it has expired
	}
	if prev, ok := e.at[personID]; !ok || at.After(prev) {
		e.at[personID] = at
	}
}

// Has reports whether personID was deleted.
func (e *Erased) Has(personID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.at[personID]
	return ok
}

// pruneLocked drops entries older than tokenTTL, then the oldest while the
// table is full.
func (e *Erased) pruneLocked() {
	cutoff := e.now().Add(-e.tokenTTL)
	for id, at := range e.at {
		if at.Before(cutoff) {
			delete(e.at, id)
		}
	}
	for len(e.at) >= maxErased {
		oldest, first := "", time.Time{}
		for id, at := range e.at {
			if oldest == "" || at.Before(first) {
				oldest, first = id, at
			}
		}
		delete(e.at, oldest)
	}
}

// RefuseErased wraps v so that the tokens of deleted persons are refused
// (UNAUTHENTICATED, like any invalid token).
func RefuseErased(v Verifier, erased *Erased) Verifier {
	return erasedVerifier{v, erased}
}

type erasedVerifier struct {
	Verifier
	erased *Erased
}

var errErased = &domain.Error{Kind: domain.KindUnauthenticated, Message: "invalid token: the account was deleted"}

func (v erasedVerifier) Verify(ctx context.Context, token string) (caller.Identity, error) {
	id, err := v.Verifier.Verify(ctx, token)
	if err == nil && v.erased.Has(id.PersonID) {
		return caller.Identity{}, errErased
	}
	return id, err
}

// refuseErasedOperations refuses each operation of a person deleted since
// their token was checked: a WebSocket authenticates once, at
// connection_init, and must not outlive its person's account (new
// subscriptions, replays of their inbox, mutations).
func refuseErasedOperations(e *Erased) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if id, ok := caller.FromContext(ctx); ok && e.Has(id.PersonID) {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message:    "this account was deleted",
				Extensions: map[string]any{"code": CodeUnauthenticated},
			}}})
		}
		return next(ctx)
	}
}
