package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// AddInterest declares an interest of the caller.
type AddInterest struct{ Name string }

// RemoveInterest withdraws an interest of the caller.
type RemoveInterest struct{ Name string }

func (s *service) addInterest(ctx context.Context, caller caller.Identity, c AddInterest) (Receipt, error) {
	return s.interest(ctx, caller, domain.CmdAddInterest, c.Name)
}

func (s *service) removeInterest(ctx context.Context, caller caller.Identity, c RemoveInterest) (Receipt, error) {
	return s.interest(ctx, caller, domain.CmdRemoveInterest, c.Name)
}

// interest normalises the name (BAD_USER_INPUT when it cannot be one) and
// sends the command.
func (s *service) interest(ctx context.Context, caller caller.Identity, t domain.CommandType, raw string) (Receipt, error) {
	name, err := domain.NormalizeInterest(raw)
	if err != nil {
		return Receipt{}, err
	}
	return s.send(ctx, t, caller.PersonID, domain.InterestPayload{Interest: name})
}
