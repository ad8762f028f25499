package resolvers

import (
	"context"

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
