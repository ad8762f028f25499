// Package identity is the auth component: accounts, credentials, sessions
// (access, ID and refresh tokens), external identity providers and the
// opaque reference tokens of the phantom-token pattern. Credentials never
// leave it: it answers with tokens and account facts, never hashes. It runs
// inside `serve` and alone as `interestgraph auth` (see Handler and Client).
package identity

import (
	"context"
	"errors"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Store is what the component keeps.
type Store interface {
	store.Accounts
	store.RefreshTokens
	store.ReferenceTokens
}

// Config tunes the component; zero values take the defaults.
type Config struct {
	Argon2      auth.Argon2Params
	AdminEmails []string // get the admin role when they register
	RefreshTTL  time.Duration
	Providers   map[string]*auth.Provider
	// OpaqueTokens hands clients a reference token instead of the JWT; the
	// gateway introspects it (the phantom-token pattern).
	OpaqueTokens bool
	// SignupsPerMinute bounds registrations per client address (default
	// 10): each costs a password hash and mints welcome coins.
	SignupsPerMinute int
}

// Service is the auth component.
type Service struct {
	cfg    Config
	st     Store
	keys   *auth.Keys
	limits limits
	dummy  string // verified against for unknown emails
	now    func() time.Time
}

// New builds the component.
func New(cfg Config, st Store, keys *auth.Keys) (*Service, error) {
	if st == nil || keys == nil {
		return nil, errors.New("identity: a store and keys are required")
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	if cfg.Argon2 == (auth.Argon2Params{}) {
		cfg.Argon2 = auth.DefaultArgon2
	}
	dummy, err := auth.HashPassword(context.Background(), "not a password anyone has", cfg.Argon2)
	if err != nil {
		return nil, err
	}
	if cfg.SignupsPerMinute <= 0 {
		cfg.SignupsPerMinute = 10
	}
	return &Service{cfg: cfg, st: st, keys: keys, limits: newLimits(cfg.SignupsPerMinute), dummy: dummy, now: time.Now}, nil
}

// Session is the answer to a sign-in.
type Session struct {
	AccessToken  string    `json:"accessToken"` // a JWT, or a reference to one with OpaqueTokens
	ExpiresAt    time.Time `json:"expiresAt"`
	IDToken      string    `json:"idToken"`
	RefreshToken string    `json:"refreshToken"`
	PersonID     string    `json:"personId"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	CreatedAt    time.Time `json:"createdAt"`
	// Created: this sign-in made the account (the person is to be
	// projected into the graph by the caller).
	Created bool `json:"created"`
}

type addrKey struct{}

// WithClientAddr records the client's address for rate limits.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// ClientAddr returns the address recorded by WithClientAddr.
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(addrKey{}).(string)
	return a
}
