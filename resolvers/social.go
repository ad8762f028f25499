package resolvers

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vikstrous/dataloadgen"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// SocialLoaders batch the per-person social reads of one request. The
// application takes the viewer from the batch's context: one request has
// one caller.
type SocialLoaders struct {
	Mutuals          *dataloadgen.Loader[pageKey, store.PersonPage]
	FollowersYouKnow *dataloadgen.Loader[pageKey, store.PersonPage]
	Relationship     *dataloadgen.Loader[string, store.Relationship]
}

func newSocialLoaders(r app.Batches) *SocialLoaders {
	return &SocialLoaders{
		Mutuals:          pageLoader(r.Mutuals),
		FollowersYouKnow: pageLoader(r.FollowersYouKnow),
		Relationship: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]store.Relationship, []error) {
			m, err := r.Relationships(ctx, ids)
			return fill(ids, err, func(id string) store.Relationship { return m[id] })
		}, dataloadgen.WithWait(loaderWait)),
	}
}

// Offset cursors page ranked lists (search, popular interests): base64 of
// "o:" and the number of items before the next page.
func encodeOffset(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(n)))
}

func offsetArgs(first *int, after *string, def int) (store.OffsetPage, error) {
	n, _, err := pageArgs(first, nil, def)
	if err != nil {
		return store.OffsetPage{}, err
	}
	pg := store.OffsetPage{First: n}
	if after == nil || *after == "" {
		return pg, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil || len(raw) < 3 || string(raw[:2]) != "o:" {
		return pg, domain.Invalid("after", "malformed cursor")
	}
	off, err := strconv.Atoi(string(raw[2:]))
	if err != nil || off < 0 || off > store.MaxOffset {
		return pg, domain.Invalid("after", "malformed cursor (at most %d items can be skipped)", store.MaxOffset)
	}
	pg.Offset = off
	return pg, nil
}

func offsetPageInfo(pg store.OffsetPage, n int, hasNext bool) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext && pg.Offset+n < store.MaxOffset}
	if n > 0 {
		end := encodeOffset(pg.Offset + n)
		info.EndCursor = &end
	}
	return info
}

func toOffsetConnection(ctx context.Context, pg store.OffsetPage, res store.PersonPage) *model.PersonConnection {
	conn := &model.PersonConnection{TotalCount: res.TotalCount, Edges: []model.PersonEdge{}}
	for i, p := range res.Persons {
		conn.Edges = append(conn.Edges, model.PersonEdge{Cursor: encodeOffset(pg.Offset + i + 1), Node: toPerson(ctx, p)})
	}
	conn.PageInfo = offsetPageInfo(pg, len(res.Persons), res.HasNext)
	return conn
}

func toInterestConnection(pg store.OffsetPage, res store.InterestPage) *model.InterestConnection {
	conn := &model.InterestConnection{TotalCount: res.TotalCount, Edges: []model.InterestEdge{}}
	for i, in := range res.Interests {
		conn.Edges = append(conn.Edges, model.InterestEdge{Cursor: encodeOffset(pg.Offset + i + 1), Node: &gqlmodel.Interest{Name: in.Name}})
	}
	conn.PageInfo = offsetPageInfo(pg, len(res.Interests), res.HasNext)
	return conn
}

// interestPrefix normalises an optional directory query like an interest
// name (trimmed, spaces collapsed, lower case), bounded in length.
func interestPrefix(q *string) (string, error) {
	if q == nil {
		return "", nil
	}
	if utf8.RuneCountInString(*q) > domain.MaxQueryLen {
		return "", domain.Invalid("query", "query must be at most %d characters", domain.MaxQueryLen)
	}
	return strings.ToLower(strings.Join(strings.Fields(*q), " ")), nil
}

// trendWindows are the TrendWindow durations.
var trendWindows = map[model.TrendWindow]time.Duration{
	model.TrendWindowHour: time.Hour,
	model.TrendWindowDay:  24 * time.Hour,
	model.TrendWindowWeek: 7 * 24 * time.Hour,
}

func toRelationship(rel store.Relationship) *model.Relationship {
	return &model.Relationship{Following: rel.Following, FollowedBy: rel.FollowedBy, Mutual: rel.Following && rel.FollowedBy,
		Blocking: rel.Blocking, BlockedBy: rel.BlockedBy, Muting: rel.Muting}
}

// reasonsOf lists why a recommendation is made, in the order of the
// RecommendationReason enum.
func reasonsOf(rec store.Recommendation) []model.RecommendationReason {
	out := []model.RecommendationReason{}
	if len(rec.SharedInterests) > 0 {
		out = append(out, model.RecommendationReasonSharedInterests)
	}
	if rec.FollowedVia > 0 {
		out = append(out, model.RecommendationReasonFollowedByYourFollows)
	}
	if rec.FollowsYou {
		out = append(out, model.RecommendationReasonFollowsYou)
	}
	if rec.Popular {
		out = append(out, model.RecommendationReasonPopular)
	}
	return out
}
