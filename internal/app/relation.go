package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Relate sends one of the private relation commands (block, unblock,
// mute, unmute, dismissRecommendation) about personID. Oneself and a
// malformed id are BAD_USER_INPUT here; an unknown person is decided by
// the consumer (REJECTED PERSON_NOT_FOUND).
func (a *App) Relate(ctx context.Context, t domain.CommandType, personID string) (Receipt, error) {
	act, ok := relationActions[t]
	if !ok || !domain.IsRelationCommand(t) {
		return Receipt{}, domain.Invalid("type", "not a relation command")
	}
	id, err := authorize(ctx, act, "")
	if err != nil {
		return Receipt{}, err
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

// relationActions are the actions of the relation commands.
var relationActions = map[domain.CommandType]Action{
	domain.CmdBlock: actBlock, domain.CmdUnblock: actUnblock, domain.CmdMute: actMute,
	domain.CmdUnmute: actUnmute, domain.CmdDismissRecommendation: actDismissRecommendation,
}
