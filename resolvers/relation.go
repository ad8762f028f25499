package resolvers

import (
	"context"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
)

// relate answers the relation mutations (block, mute, dismissal) with
// their handler.
func relate(ctx context.Context, h app.Handler[app.Relation, app.Receipt], personID string) (*model.CommandReceipt, error) {
	rc, err := h(ctx, app.Relation{PersonID: personID})
	if err != nil {
		return nil, err
	}
	return toReceipt(rc), nil
}
