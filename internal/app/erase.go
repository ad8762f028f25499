package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// DeleteAccount erases the caller; Password is required for a password
// account.
type DeleteAccount struct{ Password string }

// deleteAccount has the auth component check the password first
// (UNAUTHENTICATED when wrong or missing); the consumer then removes the
// person, their edges, account and refresh tokens and burns their coins in
// one transaction.
func (s *service) deleteAccount(ctx context.Context, caller caller.Identity, c DeleteAccount) (Receipt, error) {
	if err := s.identity.CheckPassword(ctx, caller.PersonID, c.Password); err != nil {
		return Receipt{}, err
	}
	rc, err := s.send(ctx, domain.CmdDeleteAccount, caller.PersonID, struct{}{})
	if err == nil && rc.Status == domain.StatusApplied && s.cfg.OnErased != nil {
		s.cfg.OnErased(caller.PersonID)
	}
	return rc, err
}
