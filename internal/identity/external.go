package identity

import (
	"context"
	"strings"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// External signs in with an external provider's ID token. An account the
// provider made before (same verified email) is signed in; without one, an
// account with no password is created (only the provider signs it in). An
// unverified email is refused: linking on it would let anyone who can open
// a provider account with someone's address take theirs over. A password
// account with the same email is not linked (see below).
func (s *Service) External(ctx context.Context, provider, idToken string) (Session, error) {
	if err := s.limits.external(ctx); err != nil {
		return Session{}, err
	}
	p, ok := s.cfg.Providers[provider]
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
	acc, err := s.st.AccountByEmail(ctx, email)
	if err == nil {
		if acc.PasswordHash != "" {
			// Registering with a password proves nothing about the email:
			// linking here would hand the provider's user an account someone
			// else may have opened in their name (and keeps that someone's
			// password working). Only provider-made accounts are linked.
			return Session{}, &domain.Error{Kind: domain.KindAlreadyExists, Field: "email",
				Message: "an account with this email signs in with a password"}
		}
		return s.session(ctx, acc, "")
	}
	if domain.KindOf(err) != domain.KindNotFound {
		return Session{}, err
	}
	name, err := domain.NormalizeName(ext.Name)
	if err != nil {
		name = email[:strings.IndexByte(email, '@')]
	}
	acc = store.Account{PersonID: domain.NewID(), Email: email, Name: name, Roles: s.rolesFor(email, true), CreatedAt: s.now().UTC()}
	if err := s.st.CreateAccount(ctx, acc); err != nil {
		return Session{}, err
	}
	sess, err := s.session(ctx, acc, "")
	sess.Created = true
	return sess, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
