package app

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/store"
)

// viewer is the caller's person id, "" without a token: the social reads
// leave out persons in a block with the viewer.
func viewer(ctx context.Context) string {
	if id, ok := auth.FromContext(ctx); ok {
		return id.PersonID
	}
	return ""
}

// SearchPersons ranks the persons every word (domain.SearchQuery's form)
// prefixes.
type SearchPersons struct {
	Words []string
	Page  store.OffsetPage
}

// SearchPersons answers the searchPersons query.
func (a *App) SearchPersons(ctx context.Context, q SearchPersons) (store.PersonPage, error) {
	return a.reader.SearchPersons(ctx, viewer(ctx), q.Words, q.Page)
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
	return a.reader.Interests(ctx, q.Prefix, q.Order, q.Page)
}

// TrendingInterests ranks the interests adopted in the last Window.
type TrendingInterests struct {
	Window time.Duration
	First  int
}

// TrendingInterests answers the trendingInterests query.
func (a *App) TrendingInterests(ctx context.Context, q TrendingInterests) ([]store.TrendingInterest, error) {
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
	return a.reader.RelatedInterests(ctx, q.Name, q.First)
}
