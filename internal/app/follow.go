package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// Follow makes the caller follow PersonID.
type Follow struct{ PersonID string }

// Unfollow makes the caller stop following PersonID.
type Unfollow struct{ PersonID string }

func (s *service) follow(ctx context.Context, caller caller.Identity, c Follow) (Receipt, error) {
	return s.followCommand(ctx, caller, domain.CmdFollow, c.PersonID)
}

func (s *service) unfollow(ctx context.Context, caller caller.Identity, c Unfollow) (Receipt, error) {
	return s.followCommand(ctx, caller, domain.CmdUnfollow, c.PersonID)
}

// followCommand refuses a malformed id and oneself (BAD_USER_INPUT) and
// sends the command; an unknown person is the consumer's to decide.
func (s *service) followCommand(ctx context.Context, caller caller.Identity, t domain.CommandType, personID string) (Receipt, error) {
	if _, err := domain.ParsePersonID("personId", personID); err != nil {
		return Receipt{}, err
	}
	if personID == caller.PersonID {
		return Receipt{}, domain.Invalid("personId", "you cannot follow yourself")
	}
	return s.send(ctx, t, caller.PersonID, domain.FollowPayload{PersonID: personID})
}
