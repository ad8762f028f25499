package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Batches are the reads the resolvers' per-request dataloaders batch:
// each takes many keys, so that a selection costs one store round trip
// per level instead of one per parent. The social reads take the viewer
// from ctx (one request has one caller) and leave out persons in a block
// with them.
type Batches interface {
	PersonsByIDs(ctx context.Context, ids []string) (map[string]store.Person, error)
	InterestsOf(ctx context.Context, personIDs []string) (map[string][]string, error)
	RankedInterestsOf(ctx context.Context, personIDs []string, order store.InterestOrder, first int) (map[string][]store.Interest, error)
	InterestsByNames(ctx context.Context, names []string) (map[string]store.Interest, error)
	Followers(ctx context.Context, personIDs []string, page store.Page) (map[string]store.PersonPage, error)
	Following(ctx context.Context, personIDs []string, page store.Page) (map[string]store.PersonPage, error)
	InterestPersons(ctx context.Context, names []string, page store.Page) (map[string]store.PersonPage, error)
	Mutuals(ctx context.Context, personIDs []string, page store.Page) (map[string]store.PersonPage, error)
	FollowersYouKnow(ctx context.Context, personIDs []string, page store.Page) (map[string]store.PersonPage, error)
	Relationships(ctx context.Context, personIDs []string) (map[string]store.Relationship, error)
}

// viewer is the caller's person id, "" without a token (the social
// batches are public reads, see authz.go).
func viewer(ctx context.Context) string {
	if id, ok := caller.FromContext(ctx); ok {
		return id.PersonID
	}
	return ""
}

// batches delegates each read, by name, so that the read model's other
// methods stay out of reach.
type batches struct{ r Reader }

func (b batches) PersonsByIDs(ctx context.Context, ids []string) (map[string]store.Person, error) {
	return b.r.PersonsByIDs(ctx, ids)
}

func (b batches) InterestsOf(ctx context.Context, ids []string) (map[string][]string, error) {
	return b.r.InterestsOf(ctx, ids)
}

func (b batches) RankedInterestsOf(ctx context.Context, ids []string, o store.InterestOrder, first int) (map[string][]store.Interest, error) {
	return b.r.RankedInterestsOf(ctx, ids, o, first)
}

func (b batches) InterestsByNames(ctx context.Context, names []string) (map[string]store.Interest, error) {
	return b.r.InterestsByNames(ctx, names)
}

func (b batches) Followers(ctx context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return b.r.Followers(ctx, ids, pg)
}

func (b batches) Following(ctx context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return b.r.Following(ctx, ids, pg)
}

func (b batches) InterestPersons(ctx context.Context, names []string, pg store.Page) (map[string]store.PersonPage, error) {
	return b.r.InterestPersons(ctx, names, pg)
}

func (b batches) Mutuals(ctx context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return b.r.Mutuals(ctx, viewer(ctx), ids, pg)
}

func (b batches) FollowersYouKnow(ctx context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return b.r.FollowersYouKnow(ctx, viewer(ctx), ids, pg)
}

func (b batches) Relationships(ctx context.Context, ids []string) (map[string]store.Relationship, error) {
	return b.r.Relationships(ctx, viewer(ctx), ids)
}
