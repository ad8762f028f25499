package app

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/store"
)

// SearchPersons ranks the persons every word (domain.SearchQuery's form)
// prefixes, leaving out persons in a block with the caller.
type SearchPersons struct {
	Words []string
	Page  store.OffsetPage
}

// Interests pages the interest directory: the interests held by anyone
// whose name starts with Prefix ("" for all).
type Interests struct {
	Prefix string
	Order  store.InterestOrder
	Page   store.OffsetPage
}

// TrendingInterests ranks the interests adopted in the last Window.
type TrendingInterests struct {
	Window time.Duration
	First  int
}

// RelatedInterests ranks the interests sharing persons with Name.
type RelatedInterests struct {
	Name  string
	First int
}

func (s *service) searchPersons(ctx context.Context, caller caller.Identity, q SearchPersons) (store.PersonPage, error) {
	return s.reader.SearchPersons(ctx, caller.PersonID, q.Words, q.Page)
}

func (s *service) interests(ctx context.Context, _ caller.Identity, q Interests) (store.InterestPage, error) {
	return s.reader.Interests(ctx, q.Prefix, q.Order, q.Page)
}

func (s *service) trendingInterests(ctx context.Context, _ caller.Identity, q TrendingInterests) ([]store.TrendingInterest, error) {
	now := s.now()
	// The upper bound leaves room for consumers whose clocks run ahead.
	return s.reader.TrendingInterests(ctx, now.Add(-q.Window), now.Add(time.Hour), q.First)
}

func (s *service) relatedInterests(ctx context.Context, _ caller.Identity, q RelatedInterests) ([]store.RelatedInterest, error) {
	return s.reader.RelatedInterests(ctx, q.Name, q.First)
}
