package identity

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Login checks credentials. An unknown email, a wrong password and an
// account without a password (made by a provider) cost the same hash and
// get the same error.
func (s *Service) Login(ctx context.Context, email, password string) (Session, error) {
	if err := s.limits.login(ctx, email); err != nil {
		return Session{}, err
	}
	miss := func() (Session, error) {
		// A busy hasher is RATE_LIMITED here as for a known account, so
		// that answer tells nothing about which emails exist either.
		if _, err := s.passwords.Verify(ctx, password, s.dummy); domain.KindOf(err) == domain.KindRateLimited {
			return Session{}, err
		}
		return Session{}, domain.ErrBadCredentials
	}
	norm, err := domain.NormalizeEmail(email)
	if err != nil {
		return miss()
	}
	acc, err := s.st.AccountByEmail(ctx, norm)
	if domain.KindOf(err) == domain.KindNotFound || (err == nil && acc.PasswordHash == "") {
		return miss()
	}
	if err != nil {
		return Session{}, err
	}
	ok, err := s.passwords.Verify(ctx, password, acc.PasswordHash)
	if domain.KindOf(err) == domain.KindRateLimited {
		return Session{}, err
	}
	if err != nil || !ok {
		return Session{}, domain.ErrBadCredentials
	}
	return s.session(ctx, acc, "")
}
