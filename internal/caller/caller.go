// Package caller is who calls the application: the person a verified
// access token names, put on the context by the transport that verified
// it, and the client's network address, for rate limits. The token
// adapter (internal/auth) produces the Identity; the application's
// authorization table (internal/app) reads it.
package caller

import (
	"context"
	"slices"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Roles.
const (
	RoleUser  = "user"
	RoleAdmin = "admin"
)

// Leeway is the clock skew allowed on a token's times: a token is still
// good this long after its exp.
const Leeway = 30 * time.Second

// Identity is the verified caller.
type Identity struct {
	PersonID  string
	Roles     []string
	ExpiresAt time.Time
}

// IsAdmin reports whether the identity has the admin role.
func (i Identity) IsAdmin() bool { return slices.Contains(i.Roles, RoleAdmin) }

// ErrTokenExpired is the refusal of a genuine token past its exp: the
// client should refresh, not sign in again. Compare with errors.Is.
var ErrTokenExpired = &domain.Error{Kind: domain.KindUnauthenticated, Message: "token expired: get a new one with refreshToken or login"}

// ErrForbidden is returned when the caller may not do or see something.
var ErrForbidden = &domain.Error{Kind: domain.KindForbidden, Message: "not allowed for this caller"}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// WithoutIdentity returns ctx as an anonymous request's: work done once
// for many callers (an event executed for every subscriber of a public
// selection) must not run as any one of them.
func WithoutIdentity(ctx context.Context) context.Context {
	return context.WithValue(ctx, identityKey{}, nil)
}

// FromContext returns the caller, if a valid token was presented.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// Require returns the caller or an UNAUTHENTICATED error.
func Require(ctx context.Context) (Identity, error) {
	if id, ok := FromContext(ctx); ok {
		if time.Now().Before(id.ExpiresAt.Add(Leeway)) {
			return id, nil
		}
		return Identity{}, ErrTokenExpired
	}
	return Identity{}, domain.ErrUnauthenticated
}

type addrKey struct{}

// WithClientAddr records the client's address for rate limits.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// ClientAddr returns the address recorded by WithClientAddr, or "".
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(addrKey{}).(string)
	return a
}
