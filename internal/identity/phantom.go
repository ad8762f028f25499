package identity

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// Verifier checks access tokens (JWTs).
type Verifier interface {
	Verify(ctx context.Context, token string) (caller.Identity, error)
}

// Introspector resolves reference tokens (RFC 7662).
type Introspector interface {
	Introspect(ctx context.Context, ref string) (Introspection, error)
}

// PhantomVerifier is the gateway side of the phantom-token pattern: a
// reference token is introspected with the auth component (the answer is
// cached until the token expires) and the JWT behind it is verified as
// usual; a JWT is verified directly.
type PhantomVerifier struct {
	inner Verifier
	intro Introspector
	mu    sync.Mutex
	cache map[string]cached // by reference hash
	now   func() time.Time
}

type cached struct {
	jwt string
	exp time.Time
}

// maxCached bounds the cache; past it, expired entries are dropped, and
// all of them if that is not enough.
const maxCached = 100_000

// NewPhantomVerifier wraps inner.
func NewPhantomVerifier(inner Verifier, intro Introspector) *PhantomVerifier {
	return &PhantomVerifier{inner: inner, intro: intro, cache: map[string]cached{}, now: time.Now}
}

// Verify implements the gateway's Verifier.
func (p *PhantomVerifier) Verify(ctx context.Context, token string) (caller.Identity, error) {
	if !strings.HasPrefix(token, ReferencePrefix) {
		return p.inner.Verify(ctx, token)
	}
	key := tokenHash(token)
	p.mu.Lock()
	c, ok := p.cache[key]
	p.mu.Unlock()
	if ok && c.jwt == "" && p.now().Before(c.exp) {
		return caller.Identity{}, errInactive
	}
	if !ok || !p.now().Before(c.exp) {
		in, err := p.intro.Introspect(ctx, token)
		if err != nil {
			return caller.Identity{}, err
		}
		if !in.Active {
			// Remember the refusal for a while: a client (or an attacker)
			// replaying a dead or made-up reference must not cost the auth
			// component one introspection per request.
			p.remember(key, cached{exp: p.now().Add(inactiveTTL)})
			return caller.Identity{}, errInactive
		}
		c = cached{jwt: in.JWT, exp: time.Unix(in.Exp, 0)}
		p.remember(key, c)
	}
	return p.inner.Verify(ctx, c.jwt)
}

// errInactive is the answer for a reference the auth component does not
// know (or no longer honours).
var errInactive = &domain.Error{Kind: domain.KindUnauthenticated, Message: "invalid or expired token"}

// inactiveTTL is how long an unknown reference is answered from the cache.
// Short, because the cache is per gateway and a reference is never made
// valid later: it only bounds the load of repeated bad references.
const inactiveTTL = 30 * time.Second

func (p *PhantomVerifier) remember(key string, c cached) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.cache) >= maxCached {
		p.prune()
	}
	p.cache[key] = c
}

func (p *PhantomVerifier) prune() {
	now := p.now()
	for k, c := range p.cache {
		if !now.Before(c.exp) {
			delete(p.cache, k)
		}
	}
	if len(p.cache) >= maxCached {
		clear(p.cache)
	}
}
