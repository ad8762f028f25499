package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Session is a signed-in person: a short-lived access token for this API,
// an ID token for the client, and an opaque refresh token.
type Session struct {
	AccessToken  string
	ExpiresAt    time.Time
	IDToken      string
	RefreshToken string
	Person       store.Person
}

// Register creates an account (synchronously, so a taken email is reported
// at once) and sends the RegisterPerson command that projects the person
// into the graph, waiting for it like any mutation.
func (a *App) Register(ctx context.Context, email, password, name string) (Session, error) {
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		return Session{}, err
	}
	if name, err = domain.NormalizeName(name); err != nil {
		return Session{}, err
	}
	if err := domain.ValidatePassword(password); err != nil {
		return Session{}, err
	}
	hash, err := auth.HashPassword(password, a.cfg.Argon2)
	if err != nil {
		return Session{}, err
	}
	acc := store.Account{PersonID: domain.NewID(), Email: email, Name: name, PasswordHash: hash,
		Roles: a.rolesFor(email), CreatedAt: a.now().UTC()}
	if err := a.accounts.CreateAccount(ctx, acc); err != nil {
		return Session{}, err
	}
	if _, err := a.project(ctx, acc); err != nil {
		return Session{}, err
	}
	return a.session(ctx, acc, store.Person{ID: acc.PersonID, Name: name, Email: email, RegisteredAt: acc.CreatedAt}, "")
}

// rolesFor returns the roles a new account with email gets.
func (a *App) rolesFor(email string) []string {
	if slices.Contains(a.cfg.AdminEmails, email) {
		return []string{auth.RoleUser, auth.RoleAdmin}
	}
	return []string{auth.RoleUser}
}

// project sends the RegisterPerson command for an account.
func (a *App) project(ctx context.Context, acc store.Account) (Receipt, error) {
	cmd, err := domain.NewCommand(domain.CmdRegisterPerson, acc.PersonID,
		domain.RegisterPersonPayload{Name: acc.Name, Email: acc.Email}, a.now())
	if err != nil {
		return Receipt{}, err
	}
	r, err := a.dispatch(ctx, cmd)
	if err != nil {
		return Receipt{}, fmt.Errorf("register %s: %w", acc.PersonID, err)
	}
	return r, nil
}

// session issues the tokens of a sign-in. family continues a refresh-token
// family on rotation; "" starts a new one.
func (a *App) session(ctx context.Context, acc store.Account, p store.Person, family string) (Session, error) {
	tok, exp, err := a.tokens.Issue(acc.PersonID, acc.Roles)
	if err != nil {
		return Session{}, err
	}
	id, err := a.tokens.IssueID(acc.PersonID, acc.Email, acc.Name)
	if err != nil {
		return Session{}, err
	}
	if family == "" {
		family = domain.NewID()
	}
	refresh, hash, err := auth.NewRefreshToken()
	if err != nil {
		return Session{}, err
	}
	rt := store.RefreshToken{Hash: hash, FamilyID: family, PersonID: acc.PersonID, ExpiresAt: a.now().Add(a.cfg.RefreshTTL).UTC()}
	if err := a.accounts.SaveRefreshToken(ctx, rt); err != nil {
		return Session{}, err
	}
	return Session{AccessToken: tok, ExpiresAt: exp, IDToken: id, RefreshToken: refresh, Person: p}, nil
}
