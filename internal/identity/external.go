package identity

import (
	"context"
	"strings"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// External signs in with an external provider's ID token. The account is
// bound to the provider's (issuer, subject), never to the email: an
// account the same identity made before is signed in; a new identity gets a
// new account with no password (only the provider signs it in), which needs
// a verified email that no account uses yet. Linking by email would let
// anyone who can make a second provider (or a password account) assert
// someone's address take their account over.
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
	key := store.ProviderKey(p.Issuer(), ext.Subject)
	acc, err := s.st.AccountByProvider(ctx, key)
	if err == nil {
		return s.session(ctx, acc, "")
	}
	if domain.KindOf(err) != domain.KindNotFound {
		return Session{}, err
	}
	email, err := domain.NormalizeEmail(ext.Email)
	if err != nil || !ext.EmailVerified {
		return Session{}, &domain.Error{Kind: domain.KindUnauthenticated, Message: "the provider did not vouch for an email address"}
	}
	if _, err := s.st.AccountByEmail(ctx, email); err == nil {
		return Session{}, &domain.Error{Kind: domain.KindAlreadyExists, Field: "email",
			Message: "an account with this email already exists; sign in the way it was made"}
	} else if domain.KindOf(err) != domain.KindNotFound {
		return Session{}, err
	}
	name, err := domain.NormalizeName(ext.Name)
	if err != nil {
		name = email[:strings.IndexByte(email, '@')]
	}
	acc = store.Account{PersonID: domain.NewID(), Email: email, Name: name, Roles: s.rolesFor(email, true), CreatedAt: s.now().UTC(), ProviderKey: key}
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
