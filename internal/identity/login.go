package identity

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/auth"
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
		_, _ = auth.VerifyPassword(password, s.dummy)
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
	if ok, err := auth.VerifyPassword(password, acc.PasswordHash); err != nil || !ok {
		return Session{}, domain.ErrBadCredentials
	}
	return s.session(ctx, acc, "")
}
