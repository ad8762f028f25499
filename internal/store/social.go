package store

import (
	"context"
	"time"
)

// Social read limits: how far a ranked list can be paged by offset, and
// how many candidates a search ranks. Documented in docs/SECURITY.md.
const (
	MaxOffset        = 1_000
	MaxSearchMatches = 1_000
)

// OffsetPage asks for First items after skipping Offset, for lists ranked
// by something other than id (search, popular interests).
type OffsetPage struct {
	First  int
	Offset int
}

// InterestOrder is how the interest directory is ordered.
type InterestOrder string

// Interest orders.
const (
	InterestsByPopularity InterestOrder = "POPULAR"
	InterestsByName       InterestOrder = "NAME"
)

// InterestPage is one page of the interest directory.
type InterestPage struct {
	Interests  []Interest
	TotalCount int
	HasNext    bool
}

// TrendingInterest is an interest with its new adopters in a window.
// Score = Adopters / sqrt(Interest.PersonCount).
type TrendingInterest struct {
	Interest Interest
	Adopters int
	Score    float64
}

// RelatedInterest is an interest held together with another one; Score is
// the Jaccard similarity of their persons.
type RelatedInterest struct {
	Interest      Interest
	SharedPersons int
	Score         float64
}

// Relationship is how a viewer relates to another person.
type Relationship struct {
	Following, FollowedBy, Blocking, BlockedBy, Muting bool
}

// SocialReader is the read model of discovery and relationships. viewer
// is the caller's person id ("" without a token): persons in a block with
// the viewer (either direction) are left out of every list.
type SocialReader interface {
	// SearchPersons ranks the persons whose domain.SearchKey every query
	// word (already in that form) prefixes: relevance (whole-word hits),
	// then follower count, then id. Only the first MaxSearchMatches index
	// hits are ranked.
	SearchPersons(ctx context.Context, viewer string, words []string, page OffsetPage) (PersonPage, error)
	// Interests pages the interests held by anyone whose name starts with
	// prefix ("" for all).
	Interests(ctx context.Context, prefix string, order InterestOrder, page OffsetPage) (InterestPage, error)
	// TrendingInterests ranks interests by INTERESTED_IN edges created in
	// [from, to) (see TrendingInterest for the score).
	TrendingInterests(ctx context.Context, from, to time.Time, first int) ([]TrendingInterest, error)
	// RelatedInterests ranks the interests sharing persons with name.
	RelatedInterests(ctx context.Context, name string, first int) ([]RelatedInterest, error)
	// Mutuals pages, for each person, those who follow them and whom they follow.
	Mutuals(ctx context.Context, viewer string, personIDs []string, page Page) (map[string]PersonPage, error)
	// FollowersYouKnow pages, for each person, those the viewer follows
	// who follow them.
	FollowersYouKnow(ctx context.Context, viewer string, personIDs []string, page Page) (map[string]PersonPage, error)
	// Relationships says how viewer relates to each person.
	Relationships(ctx context.Context, viewer string, personIDs []string) (map[string]Relationship, error)
}
