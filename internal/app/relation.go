package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// Relate sends one of the private relation commands (block, unblock,
// mute, unmute, dismissRecommendation) about personID. Oneself and a
// malformed id are BAD_USER_INPUT here; an unknown person is decided by
// the consumer (REJECTED PERSON_NOT_FOUND).
func (a *App) Relate(ctx context.Context, t domain.CommandType, personID string) (Receipt, error) {
	id, err := auth.Require(ctx)
	if err != nil {
		return Receipt{}, err
	}
	if !domain.IsRelationCommand(t) {
		return Receipt{}, domain.Invalid("type", "not a relation command")
	}
	if err := domain.ValidateRelation(id.PersonID, personID); err != nil {
		return Receipt{}, err
	}
	cmd, err := domain.NewCommand(t, id.PersonID, domain.RelationPayload{PersonID: personID}, a.now())
	if err != nil {
		return Receipt{}, err
	}
	return a.dispatch(ctx, cmd)
}
