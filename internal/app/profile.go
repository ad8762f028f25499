package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// UpdateProfile changes the caller's name and/or bio. Bad input is refused
// here (BAD_USER_INPUT); the consumer checks again, trusting nothing on the wire.
func (a *App) UpdateProfile(ctx context.Context, p domain.ProfilePayload) (Receipt, error) {
	id, err := authorize(ctx, actUpdateProfile, "")
	if err != nil {
		return Receipt{}, err
	}
	n, err := domain.NormalizeProfile(p)
	if err != nil {
		return Receipt{}, err
	}
	cmd, err := domain.NewCommand(domain.CmdUpdateProfile, id.PersonID, n, a.now())
	if err != nil {
		return Receipt{}, err
	}
	return a.dispatch(ctx, cmd)
}
