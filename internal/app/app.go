// Package app holds the use cases the gateway offers: one file each. It
// turns requests into commands on the bus and waits for their outcomes, and
// answers queries from the read model. It knows neither GraphQL nor Kafka
// nor Neo4j: those are behind the small interfaces below.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/identity"
	"github.com/interestgraph/interestgraph/internal/ratelimit"
	"github.com/interestgraph/interestgraph/internal/store"
)

// CommandSender puts a command on the bus. SendCommand returns within a
// bound of its own; an error means the command may not be on the bus.
type CommandSender interface {
	SendCommand(ctx context.Context, cmd domain.Command) error
}

// Identity is the auth component: in this process (identity.Service) or
// its own (identity.Client). Credentials never pass through here.
type Identity interface {
	Register(ctx context.Context, email, password, name string) (identity.Session, error)
	Login(ctx context.Context, email, password string) (identity.Session, error)
	Refresh(ctx context.Context, refreshToken string) (identity.Session, error)
	Logout(ctx context.Context, refreshToken string) error
	// Abandon undoes the registration that issued refreshToken.
	Abandon(ctx context.Context, refreshToken string) error
	External(ctx context.Context, provider, idToken string) (identity.Session, error)
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
}

// DefaultCommandRetention is the commands topic's retention as the service
// creates it.
const DefaultCommandRetention = 7 * 24 * time.Hour

// App is the gateway's application layer.
type App struct {
	cfg      Config
	bus      CommandSender
	waiter   *Waiter
	reader   Reader
	identity Identity
	// mutations limits commands per person; nil when lifted.
	mutations *ratelimit.Limiter
	now       func() time.Time
}

// New builds the application.
func New(cfg Config, bus CommandSender, waiter *Waiter, reader Reader, id Identity) (*App, error) {
	if bus == nil || waiter == nil || reader == nil || id == nil {
		return nil, errors.New("app: every dependency is required")
	}
	if cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = 5 * time.Second
	}
	if cfg.NotificationRetention <= 0 {
		cfg.NotificationRetention = store.DefaultNotificationRetention
	}
	return &App{cfg: cfg, bus: bus, waiter: waiter, reader: reader, identity: id,
		mutations: newMutationLimiter(cfg.MutationsPerMinute), now: time.Now}, nil
}

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
	if err := applyIdempotencyKey(ctx, &cmd); err != nil {
		return Receipt{}, err
	}
	if err := a.allowMutation(cmd); err != nil {
		return Receipt{}, err
	}
	wait, _ := ctx.Value(asyncKey{}).(bool)
	var ch <-chan domain.Outcome
	if !wait {
		var cancel func()
		ch, cancel = a.waiter.Expect(cmd.ID)
		defer cancel()
	}
	if err := a.bus.SendCommand(ctx, cmd); err != nil {
		return Receipt{}, domain.Unavailable(cmd.ID, err)
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
