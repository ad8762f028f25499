package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// Relation is the request of the private relation commands (block,
// unblock, mute, unmute, dismissRecommendation) about PersonID.
type Relation struct{ PersonID string }

// relate returns the handler of the relation command t. Oneself and a
// malformed id are BAD_USER_INPUT here; an unknown person is decided by
// the consumer (REJECTED PERSON_NOT_FOUND).
func (s *service) relate(t domain.CommandType) handlerFunc[Relation, Receipt] {
	return func(ctx context.Context, caller caller.Identity, c Relation) (Receipt, error) {
		if !domain.IsRelationCommand(t) {
			return Receipt{}, domain.Invalid("type", "not a relation command")
		}
		if err := domain.ValidateRelation(caller.PersonID, c.PersonID); err != nil {
			return Receipt{}, err
		}
		return s.send(ctx, t, caller.PersonID, domain.RelationPayload{PersonID: c.PersonID})
	}
}
