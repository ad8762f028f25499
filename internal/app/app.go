// Package app holds the use cases the gateway offers: one file each. It
// turns requests into commands on the bus and waits for their outcomes, and
// answers queries from the read model. It knows neither GraphQL nor Kafka
// nor Neo4j: those are behind the small interfaces below.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// CommandSender puts a command on the bus.
type CommandSender interface {
	SendCommand(ctx context.Context, cmd domain.Command) error
}

// Tokens issues access and ID tokens.
type Tokens interface {
	Issue(personID string, roles []string) (string, time.Time, error)
	IssueID(personID, email, name string) (string, error)
}

// Credentials is what the auth use cases need of the store.
type Credentials interface {
	store.Accounts
	store.RefreshTokens
}

// Reader is the read model the queries use.
type Reader = store.Reader

// Config tunes the application; zero values take the defaults.
type Config struct {
	// WaitTimeout bounds how long a mutation waits for its outcome before
	// answering ACCEPTED.
	WaitTimeout time.Duration
	Argon2      auth.Argon2Params
	// AdminEmails get the admin role when they register.
	AdminEmails []string
	// RefreshTTL is the lifetime of a refresh token (default 30 days).
	RefreshTTL time.Duration
	// Providers are the external identity providers, by name.
	Providers map[string]*auth.Provider
}

// App is the gateway's application layer.
type App struct {
	cfg      Config
	bus      CommandSender
	waiter   *Waiter
	reader   Reader
	accounts Credentials
	tokens   Tokens
	limits   limits
	dummy    string // a hash to verify against for unknown emails
	now      func() time.Time
}

// New builds the application.
func New(cfg Config, bus CommandSender, waiter *Waiter, reader Reader, accounts Credentials, tokens Tokens) (*App, error) {
	if bus == nil || waiter == nil || reader == nil || accounts == nil || tokens == nil {
		return nil, errors.New("app: every dependency is required")
	}
	if cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = 5 * time.Second
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	if cfg.Argon2 == (auth.Argon2Params{}) {
		cfg.Argon2 = auth.DefaultArgon2
	}
	dummy, err := auth.HashPassword("not a password anyone has", cfg.Argon2)
	if err != nil {
		return nil, err
	}
	return &App{cfg: cfg, bus: bus, waiter: waiter, reader: reader, accounts: accounts, tokens: tokens, dummy: dummy, now: time.Now,
		limits: newLimits()}, nil
}

// Reader returns the read model, for the query side of the resolvers.
func (a *App) Reader() Reader { return a.reader }

// Receipt is the answer to a mutation.
type Receipt struct {
	CommandID string
	Status    domain.Status
	Reason    string
}

type asyncKey struct{}

// WithoutWaiting marks ctx so that mutations answer ACCEPTED as soon as the
// command is on the bus (the HTTP header "Prefer: respond-async").
func WithoutWaiting(ctx context.Context) context.Context {
	return context.WithValue(ctx, asyncKey{}, true)
}

// dispatch sends cmd and, unless the caller opted out, waits for its
// outcome up to the configured bound.
func (a *App) dispatch(ctx context.Context, cmd domain.Command) (Receipt, error) {
	wait, _ := ctx.Value(asyncKey{}).(bool)
	var ch <-chan domain.Outcome
	if !wait {
		var cancel func()
		ch, cancel = a.waiter.Expect(cmd.ID)
		defer cancel()
	}
	if err := a.bus.SendCommand(ctx, cmd); err != nil {
		return Receipt{}, err
	}
	accepted := Receipt{CommandID: cmd.ID, Status: domain.StatusAccepted}
	if wait {
		return accepted, nil
	}
	t := time.NewTimer(a.cfg.WaitTimeout)
	defer t.Stop()
	select {
	case out := <-ch:
		return Receipt{CommandID: cmd.ID, Status: out.Status, Reason: out.Reason}, nil
	case <-t.C:
		return accepted, nil
	case <-ctx.Done():
		return accepted, nil
	}
}
