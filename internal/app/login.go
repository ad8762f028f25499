package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Login checks credentials. An unknown email costs the same hash as a
// wrong password and gets the same error.
func (a *App) Login(ctx context.Context, email, password string) (Session, error) {
	if err := a.limits.login(ctx, email); err != nil {
		return Session{}, err
	}
	norm, err := domain.NormalizeEmail(email)
	if err != nil {
		_, _ = auth.VerifyPassword(password, a.dummy)
		return Session{}, domain.ErrBadCredentials
	}
	acc, err := a.accounts.AccountByEmail(ctx, norm)
	if err != nil {
		_, _ = auth.VerifyPassword(password, a.dummy)
		if domain.KindOf(err) == domain.KindNotFound {
			return Session{}, domain.ErrBadCredentials
		}
		return Session{}, err
	}
	if acc.PasswordHash == "" {
		// An account made by an external provider has no password; it
		// costs the same hash as any other miss.
		_, _ = auth.VerifyPassword(password, a.dummy)
		return Session{}, domain.ErrBadCredentials
	}
	ok, err := auth.VerifyPassword(password, acc.PasswordHash)
	if err != nil || !ok {
		return Session{}, domain.ErrBadCredentials
	}
	persons, err := a.reader.PersonsByIDs(ctx, []string{acc.PersonID})
	if err != nil {
		return Session{}, err
	}
	p, found := persons[acc.PersonID]
	if !found {
		// The account exists but its RegisterPerson command never made it
		// (the gateway died between the two): send it again; it is
		// idempotent by the person's id.
		if _, err := a.project(ctx, acc); err != nil {
			return Session{}, err
		}
		p = store.Person{ID: acc.PersonID, Name: acc.Name, Email: acc.Email, RegisteredAt: acc.CreatedAt}
	}
	return a.session(ctx, acc, p, "")
}
