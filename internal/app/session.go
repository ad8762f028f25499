package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/identity"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Session is a signed-in person with their tokens; Person is as its
// owner sees it.
type Session struct {
	identity.Session
	Person store.Person
}

// Register creates the account with the auth component (a taken email is
// reported at once) and sends the RegisterPerson command that projects the
// person into the graph, waiting for it like any mutation.
func (a *App) Register(ctx context.Context, email, password, name string) (Session, error) {
	if _, err := authorize(ctx, actRegister, ""); err != nil {
		return Session{}, err
	}
	s, err := a.identity.Register(ctx, email, password, name)
	if err != nil {
		return Session{}, err
	}
	return a.signedIn(ctx, s)
}

// Login checks credentials with the auth component.
func (a *App) Login(ctx context.Context, email, password string) (Session, error) {
	if _, err := authorize(ctx, actLogin, ""); err != nil {
		return Session{}, err
	}
	s, err := a.identity.Login(ctx, email, password)
	if err != nil {
		return Session{}, err
	}
	return a.signedIn(ctx, s)
}

// Refresh rotates a refresh token.
func (a *App) Refresh(ctx context.Context, token string) (Session, error) {
	if _, err := authorize(ctx, actRefreshToken, ""); err != nil {
		return Session{}, err
	}
	s, err := a.identity.Refresh(ctx, token)
	if err != nil {
		return Session{}, err
	}
	return a.signedIn(ctx, s)
}

// Logout revokes a refresh-token family.
func (a *App) Logout(ctx context.Context, token string) error {
	if _, err := authorize(ctx, actLogout, ""); err != nil {
		return err
	}
	return a.identity.Logout(ctx, token)
}

// LoginWithIDToken signs in with an external provider's ID token.
func (a *App) LoginWithIDToken(ctx context.Context, provider, idToken string) (Session, error) {
	if _, err := authorize(ctx, actLoginWithIDToken, ""); err != nil {
		return Session{}, err
	}
	s, err := a.identity.External(ctx, provider, idToken)
	if err != nil {
		return Session{}, err
	}
	return a.signedIn(ctx, s)
}

// signedIn attaches the person to a session. A new account, or one whose
// person is missing from the graph (the gateway died between creating the
// account and sending its command), gets its RegisterPerson command sent;
// the command is idempotent by the person's id.
func (a *App) signedIn(ctx context.Context, s identity.Session) (Session, error) {
	p := store.Person{ID: s.PersonID, Name: s.Name, Email: s.Email, RegisteredAt: s.CreatedAt}
	owner := auth.Identity{PersonID: s.PersonID}
	if !s.Created {
		persons, err := a.reader.PersonsByIDs(ctx, []string{s.PersonID})
		if err != nil {
			return Session{}, err
		}
		if found, ok := persons[s.PersonID]; ok {
			return Session{Session: s, Person: seenBy(owner, found)}, nil
		}
	}
	cmd, err := domain.NewCommand(domain.CmdRegisterPerson, s.PersonID, domain.RegisterPersonPayload{Name: s.Name, Email: s.Email}, a.now())
	if err != nil {
		return Session{}, err
	}
	if _, err := a.dispatch(context.WithoutCancel(ctx), cmd); err != nil {
		// Undo the account only when the command surely did not go out. A
		// send that ran out of time may still be written (kafka-go keeps
		// the batch), and undoing then would leave a person without an
		// account: the account stays, and registering again with the same
		// password (or signing in) sends the person, idempotently.
		if s.Created && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			a.abandon(ctx, s)
		}
		return Session{}, fmt.Errorf("register %s: %w", s.PersonID, err)
	}
	return Session{Session: s, Person: seenBy(owner, p)}, nil
}

// abandonTimeout bounds undoing a registration, which runs even when the
// client has gone away.
const abandonTimeout = 5 * time.Second

// abandon undoes the account of a new session whose person could not be
// sent, so that registering again works: an account must never exist
// without its person. If the undo fails too, the account stays and a
// later sign-in sends the person (see signedIn), so nothing is lost.
func (a *App) abandon(ctx context.Context, s identity.Session) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abandonTimeout)
	defer cancel()
	if err := a.identity.Abandon(ctx, s.RefreshToken); err != nil {
		slog.WarnContext(ctx, "undoing a registration failed; the next sign-in completes it", "person", s.PersonID, "err", err)
	}
}
