package resolvers

import (
	"context"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
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
// by actor: the application's one filter (app.Suppressed), which drops the
// notification when it cannot tell.
func (r *Resolver) suppressed(ctx context.Context, recipient, actor string) bool {
	s, err := r.App.Suppressed(ctx, app.Suppressed{Recipient: recipient, Actor: actor})
	return s || err != nil
}
