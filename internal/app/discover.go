package app

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// SearchPersons ranks the persons every word (domain.SearchQuery's form)
// prefixes.
type SearchPersons struct {
	Words []string
	Page  store.OffsetPage
}

// SearchPersons answers the searchPersons query, leaving out persons in a
// block with the caller.
func (a *App) SearchPersons(ctx context.Context, q SearchPersons) (store.PersonPage, error) {
	id, err := authorize(ctx, actSearchPersons, "")
	if err != nil {
		return store.PersonPage{}, err
	}
	return a.reader.SearchPersons(ctx, id.PersonID, q.Words, q.Page)
}

// Interests pages the interest directory: the interests held by anyone
// whose name starts with Prefix ("" for all).
type Interests struct {
	Prefix string
	Order  store.InterestOrder
	Page   store.OffsetPage
}

// Interests answers the interests query.
func (a *App) Interests(ctx context.Context, q Interests) (store.InterestPage, error) {
	if _, err := authorize(ctx, actInterests, ""); err != nil {
		return store.InterestPage{}, err
	}
	return a.reader.Interests(ctx, q.Prefix, q.Order, q.Page)
}

// TrendingInterests ranks the interests adopted in the last Window.
type TrendingInterests struct {
	Window time.Duration
	First  int
}

// TrendingInterests answers the trendingInterests query.
func (a *App) TrendingInterests(ctx context.Context, q TrendingInterests) ([]store.TrendingInterest, error) {
	if _, err := authorize(ctx, actTrendingInterests, ""); err != nil {
		return nil, err
	}
	now := a.now()
	// The upper bound leaves room for consumers whose clocks run ahead.
	return a.reader.TrendingInterests(ctx, now.Add(-q.Window), now.Add(time.Hour), q.First)
}

// RelatedInterests ranks the interests sharing persons with Name.
type RelatedInterests struct {
	Name  string
	First int
}

// RelatedInterests answers Interest.related.
func (a *App) RelatedInterests(ctx context.Context, q RelatedInterests) ([]store.RelatedInterest, error) {
	if _, err := authorize(ctx, actRelatedInterests, ""); err != nil {
		return nil, err
	}
	return a.reader.RelatedInterests(ctx, q.Name, q.First)
}
