package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// SignIn is the auth component's answer to a sign-in: the tokens and the
// account they are for.
type SignIn struct {
	AccessToken  string // a JWT, or a reference to one when the component hands out opaque tokens
	ExpiresAt    time.Time
	IDToken      string
	RefreshToken string
	PersonID     string
	Email        string
	Name         string
	CreatedAt    time.Time
	// Created: this sign-in made the account (the person is to be
	// projected into the graph by the caller).
	Created bool
}

// Session is a signed-in person with their tokens; Person is as its
// owner sees it.
type Session struct {
	SignIn
	Person store.Person
}

// Register creates an account with a password.
type Register struct{ Email, Password, Name string }

// Login signs in with an email and password.
type Login struct{ Email, Password string }

// LoginWithIDToken signs in with an external provider's ID token.
type LoginWithIDToken struct{ Provider, IDToken string }

// RefreshSession rotates a refresh token.
type RefreshSession struct{ RefreshToken string }

// Logout revokes a refresh-token family.
type Logout struct{ RefreshToken string }

// register creates the account with the auth component (a taken email is
// reported at once) and sends the RegisterPerson command that projects the
// person into the graph, waiting for it like any mutation.
func (s *service) register(ctx context.Context, _ caller.Identity, c Register) (Session, error) {
	return s.signIn(ctx, func() (SignIn, error) { return s.identity.Register(ctx, c.Email, c.Password, c.Name) })
}

// login checks credentials with the auth component.
func (s *service) login(ctx context.Context, _ caller.Identity, c Login) (Session, error) {
	return s.signIn(ctx, func() (SignIn, error) { return s.identity.Login(ctx, c.Email, c.Password) })
}

// refresh rotates a refresh token.
func (s *service) refresh(ctx context.Context, _ caller.Identity, c RefreshSession) (Session, error) {
	return s.signIn(ctx, func() (SignIn, error) { return s.identity.Refresh(ctx, c.RefreshToken) })
}

// loginWithIDToken signs in with an external provider's ID token.
func (s *service) loginWithIDToken(ctx context.Context, _ caller.Identity, c LoginWithIDToken) (Session, error) {
	return s.signIn(ctx, func() (SignIn, error) { return s.identity.External(ctx, c.Provider, c.IDToken) })
}

// logout revokes a refresh-token family.
func (s *service) logout(ctx context.Context, _ caller.Identity, c Logout) (struct{}, error) {
	return struct{}{}, s.identity.Logout(ctx, c.RefreshToken)
}

// signIn gets a session from the auth component and attaches its person.
func (s *service) signIn(ctx context.Context, get func() (SignIn, error)) (Session, error) {
	is, err := get()
	if err != nil {
		return Session{}, err
	}
	return s.signedIn(ctx, is)
}

// signedIn attaches the person to a session. A new account, or one whose
// person is missing from the graph (the gateway died between creating the
// account and sending its command), gets its RegisterPerson command sent;
// the command is idempotent by the person's id.
func (s *service) signedIn(ctx context.Context, is SignIn) (Session, error) {
	p := store.Person{ID: is.PersonID, Name: is.Name, Email: is.Email, RegisteredAt: is.CreatedAt}
	owner := caller.Identity{PersonID: is.PersonID}
	if !is.Created {
		persons, err := s.reader.PersonsByIDs(ctx, []string{is.PersonID})
		if err != nil {
			return Session{}, err
		}
		if found, ok := persons[is.PersonID]; ok {
			return Session{SignIn: is, Person: seenBy(owner, found)}, nil
		}
	}
	cmd, err := domain.NewCommand(domain.CmdRegisterPerson, is.PersonID, domain.RegisterPersonPayload{Name: is.Name, Email: is.Email}, s.now())
	if err != nil {
		return Session{}, err
	}
	if _, err := s.dispatch(context.WithoutCancel(ctx), cmd); err != nil {
		// Undo the account only when the command surely did not go out. A
		// send that ran out of time may still be written (kafka-go keeps
		// the batch), and undoing then would leave a person without an
		// account: the account stays, and registering again with the same
		// password (or signing in) sends the person, idempotently.
		if is.Created && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			s.abandon(ctx, is)
		}
		return Session{}, fmt.Errorf("register %s: %w", is.PersonID, err)
	}
	return Session{SignIn: is, Person: seenBy(owner, p)}, nil
}

// abandonTimeout bounds undoing a registration, which runs even when the
// client has gone away.
const abandonTimeout = 5 * time.Second

// abandon undoes the account of a new session whose person could not be
// sent, so that registering again works: an account must never exist
// without its person. If the undo fails too, the account stays and a
// later sign-in sends the person (see signedIn), so nothing is lost.
func (s *service) abandon(ctx context.Context, is SignIn) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abandonTimeout)
	defer cancel()
	if err := s.identity.Abandon(ctx, is.RefreshToken); err != nil {
		slog.WarnContext(ctx, "undoing a registration failed; the next sign-in completes it", "person", is.PersonID, "err", err)
	}
}
