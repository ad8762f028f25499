package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// UpdateProfile changes the caller's name and/or bio (nil: unchanged).
type UpdateProfile struct{ Name, Bio *string }

// updateProfile refuses bad input here (BAD_USER_INPUT); the consumer
// checks again, trusting nothing on the wire.
func (s *service) updateProfile(ctx context.Context, caller caller.Identity, c UpdateProfile) (Receipt, error) {
	n, err := domain.NormalizeProfile(domain.ProfilePayload{Name: c.Name, Bio: c.Bio})
	if err != nil {
		return Receipt{}, err
	}
	return s.send(ctx, domain.CmdUpdateProfile, caller.PersonID, n)
}
