// Package identity is the auth component: accounts, credentials, sessions
// (access, ID and refresh tokens), external identity providers and the
// opaque reference tokens of the phantom-token pattern. Credentials never
// leave it: it answers with tokens and account facts, never hashes. It runs
// inside `serve` and alone as `interestgraph auth` (see Handler and Client).
package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Store is what the component keeps.
type Store interface {
	store.Accounts
	store.RefreshTokens
	store.ReferenceTokens
}

// Tokens signs the tokens of a session and checks the access tokens it
// signed (auth.Keys).
type Tokens interface {
	// Issue signs an access token for personID with roles.
	Issue(personID string, roles []string) (token string, expires time.Time, err error)
	// IssueID signs an OpenID Connect ID token: who signed in.
	IssueID(personID, email, name string) (string, error)
	// Verify checks an access token; every refusal is UNAUTHENTICATED.
	Verify(ctx context.Context, token string) (caller.Identity, error)
}

// Passwords hashes passwords and checks them against their hashes
// (auth.Argon2Params). Both answer RATE_LIMITED when too many hashes are
// under way.
type Passwords interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, password, hash string) (bool, error)
}

// Provider is an external OpenID Connect identity provider whose ID tokens
// sign in (auth.Provider, adapted where the component is built).
type Provider interface {
	// Issuer is the provider's issuer: with the subject, it names the
	// account the provider signs in.
	Issuer() string
	// VerifyIDToken checks an ID token of the provider and says whom it
	// names; a bad token is UNAUTHENTICATED.
	VerifyIDToken(ctx context.Context, idToken string) (ExternalIdentity, error)
}

// ExternalIdentity is who a provider says signed in.
type ExternalIdentity struct {
	Subject, Email, Name string
	EmailVerified        bool
}

// Config tunes the component; zero values take the defaults.
type Config struct {
	AdminEmails []string // get the admin role when they register
	RefreshTTL  time.Duration
	Providers   map[string]Provider // by name
	// OpaqueTokens hands clients a reference token instead of the JWT; the
	// gateway introspects it (the phantom-token pattern).
	OpaqueTokens bool
	// SignupsPerMinute bounds registrations per client address (default
	// 10): each costs a password hash and mints welcome coins.
	SignupsPerMinute int
}

// Service is the auth component.
type Service struct {
	cfg       Config
	st        Store
	keys      Tokens
	passwords Passwords
	limits    limits
	dummy     string // verified against for unknown emails
	now       func() time.Time
}

// New builds the component: keys sign and check its tokens, passwords
// hashes and checks the passwords of its accounts.
func New(cfg Config, st Store, keys Tokens, passwords Passwords) (*Service, error) {
	if st == nil || keys == nil || passwords == nil {
		return nil, errors.New("identity: a store, keys and a password hasher are required")
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	dummy, err := passwords.Hash(context.Background(), "not a password anyone has")
	if err != nil {
		return nil, fmt.Errorf("identity: hash the stand-in password: %w", err)
	}
	if cfg.SignupsPerMinute <= 0 {
		cfg.SignupsPerMinute = 10
	}
	return &Service{cfg: cfg, st: st, keys: keys, passwords: passwords, limits: newLimits(cfg.SignupsPerMinute),
		dummy: dummy, now: time.Now}, nil
}

// Session is the answer to a sign-in, in the application's terms: the
// component implements the application's Identity port.
type Session = app.SignIn
