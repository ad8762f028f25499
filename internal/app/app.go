// Package app is the application layer: the use cases the gateway
// offers, one handler each, gathered in Application{Commands, Queries}
// (application.go), which is the resolvers' only entry. Command handlers
// turn requests into commands on the bus and wait for their outcomes (or
// sign in with the auth component); query handlers answer from the read
// model. Who may run each, or see each private field, is one table
// (authz.go), applied with logging by one decorator (decorate.go). It
// knows neither GraphQL nor Kafka nor Neo4j: those are behind the small
// interfaces below.
package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/ratelimit"
	"github.com/interestgraph/interestgraph/internal/store"
)

// CommandSender puts a command on the bus. SendCommand returns within a
// bound of its own; an error means the command may not be on the bus.
type CommandSender interface {
	SendCommand(ctx context.Context, cmd domain.Command) error
}

// Identity is the auth component: in this process or its own (cmd wires
// internal/identity's Service or its HTTP Client). Credentials never pass
// through here. The rate limits of sign-ins read the client's address
// from the context (caller.ClientAddr).
type Identity interface {
	Register(ctx context.Context, email, password, name string) (SignIn, error)
	Login(ctx context.Context, email, password string) (SignIn, error)
	Refresh(ctx context.Context, refreshToken string) (SignIn, error)
	Logout(ctx context.Context, refreshToken string) error
	// Abandon undoes the registration that issued refreshToken.
	Abandon(ctx context.Context, refreshToken string) error
	External(ctx context.Context, provider, idToken string) (SignIn, error)
	// CheckPassword confirms the password of personID's account (none
	// needed for a provider's account); UNAUTHENTICATED if wrong or missing.
	CheckPassword(ctx context.Context, personID, password string) error
}

// Reader is the read model the queries use.
type Reader = store.Reader

// Config tunes the application; zero values take the defaults.
type Config struct {
	// WaitTimeout bounds how long a mutation waits for its outcome before
	// answering ACCEPTED.
	WaitTimeout time.Duration
	// MutationsPerMinute bounds the commands one person sends (a burst of
	// twice as many at once); 0 lifts the limit.
	MutationsPerMinute int
	// CommandRetention is how long the commands topic keeps a command: a
	// command without an outcome may be waiting that long (a consumer
	// holds a partition while the graph store is down), so its receipt
	// stays ACCEPTED until then. 0: DefaultCommandRetention.
	CommandRetention time.Duration
	// OnErased, if set, is told of the caller's deleteAccount APPLIED
	// before the answer, so that this gateway refuses their tokens at once.
	OnErased func(personID string)
	// NotificationRetention hides older inbox entries (default
	// store.DefaultNotificationRetention).
	NotificationRetention time.Duration
	// Log receives the decorator's record of every handled request
	// (default slog.Default()).
	Log *slog.Logger
}

// DefaultCommandRetention is the commands topic's retention as the service
// creates it.
const DefaultCommandRetention = 7 * 24 * time.Hour

// service holds what the handlers share; each handler is one of its
// methods, in the file of its use case.
type service struct {
	cfg      Config
	bus      CommandSender
	waiter   *Waiter
	reader   Reader
	identity Identity
	streams  Streams
	// mutations limits commands per person; nil when lifted.
	mutations *ratelimit.Limiter
	now       func() time.Time
}

// New builds the application.
func New(cfg Config, bus CommandSender, waiter *Waiter, reader Reader, id Identity, streams Streams) (*Application, error) {
	if bus == nil || waiter == nil || reader == nil || id == nil || streams == nil {
		return nil, errors.New("app: every dependency is required")
	}
	if cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = 5 * time.Second
	}
	if cfg.NotificationRetention <= 0 {
		cfg.NotificationRetention = store.DefaultNotificationRetention
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &service{cfg: cfg, bus: bus, waiter: waiter, reader: reader, identity: id, streams: streams,
		mutations: newMutationLimiter(cfg.MutationsPerMinute), now: time.Now}
	return s.application()
}
