package resolvers

import (
	"context"
	"log/slog"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// relate answers the relation mutations (block, mute, dismissal).
func (r *Resolver) relate(ctx context.Context, t domain.CommandType, personID string) (*model.CommandReceipt, error) {
	rc, err := r.App.Relate(ctx, t, personID)
	if err != nil {
		return nil, err
	}
	return toReceipt(rc), nil
}

// suppressed reports whether recipient is to get no notification caused
// by actor: one of them blocks the other, or recipient mutes actor. It is
// the one filter every notification path uses (live subscriptions, and a
// stored inbox). If the store cannot answer, the notification is dropped:
// a lost notification is better than one from a blocked person.
func (r *Resolver) suppressed(ctx context.Context, recipient, actor string) bool {
	if recipient == "" || actor == "" {
		return false
	}
	rels, err := r.App.Reader().Relationships(ctx, recipient, []string{actor})
	if err != nil {
		slog.WarnContext(ctx, "notification filter: relationship unreadable; notification dropped", "err", err)
		return true
	}
	rel := rels[actor]
	return rel.Blocking || rel.BlockedBy || rel.Muting
}
