package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// DeleteAccount erases the caller. The auth component checks the password
// first (required for password accounts: UNAUTHENTICATED when wrong or
// missing); the consumer then removes the person, their edges, account and
// refresh tokens and burns their coins in one transaction.
func (a *App) DeleteAccount(ctx context.Context, password string) (Receipt, error) {
	id, err := authorize(ctx, actDeleteAccount, "")
	if err != nil {
		return Receipt{}, err
	}
	if err := a.identity.CheckPassword(ctx, id.PersonID, password); err != nil {
		return Receipt{}, err
	}
	cmd, err := domain.NewCommand(domain.CmdDeleteAccount, id.PersonID, struct{}{}, a.now())
	if err != nil {
		return Receipt{}, err
	}
	rc, err := a.dispatch(ctx, cmd)
	if err == nil && rc.Status == domain.StatusApplied && a.cfg.OnErased != nil {
		a.cfg.OnErased(id.PersonID)
	}
	return rc, err
}
