package app

import (
	"context"
	"strings"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// LoginWithIDToken signs in with an external provider's ID token. The
// person with the same verified email is signed in; without one, a person
// is registered (an account with no password: only the provider signs it
// in). An unverified email is refused: linking on it would let anyone who
// can create a provider account with someone's address take theirs over.
func (a *App) LoginWithIDToken(ctx context.Context, provider, idToken string) (Session, error) {
	if err := a.limits.external(ctx); err != nil {
		return Session{}, err
	}
	p, ok := a.cfg.Providers[provider]
	if !ok {
		return Session{}, domain.Invalid("provider", "unknown identity provider %q", truncate(provider, 40))
	}
	ext, err := p.VerifyIDToken(ctx, idToken)
	if err != nil {
		return Session{}, err
	}
	email, err := domain.NormalizeEmail(ext.Email)
	if err != nil || !ext.EmailVerified {
		return Session{}, &domain.Error{Kind: domain.KindUnauthenticated, Message: "the provider did not vouch for an email address"}
	}
	acc, err := a.accounts.AccountByEmail(ctx, email)
	switch {
	case err == nil:
		persons, err := a.reader.PersonsByIDs(ctx, []string{acc.PersonID})
		if err != nil {
			return Session{}, err
		}
		person, ok := persons[acc.PersonID]
		if !ok {
			person = store.Person{ID: acc.PersonID, Name: acc.Name, Email: acc.Email, RegisteredAt: acc.CreatedAt}
		}
		return a.session(ctx, acc, person, "")
	case domain.KindOf(err) != domain.KindNotFound:
		return Session{}, err
	}
	name, err := domain.NormalizeName(ext.Name)
	if err != nil {
		name = email[:strings.IndexByte(email, '@')]
	}
	acc = store.Account{PersonID: domain.NewID(), Email: email, Name: name, Roles: a.rolesFor(email), CreatedAt: a.now().UTC()}
	if err := a.accounts.CreateAccount(ctx, acc); err != nil {
		return Session{}, err
	}
	if _, err := a.project(ctx, acc); err != nil {
		return Session{}, err
	}
	return a.session(ctx, acc, store.Person{ID: acc.PersonID, Name: name, Email: email, RegisteredAt: acc.CreatedAt}, "")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
