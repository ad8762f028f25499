package store

import (
	"fmt"
	"time"
)

// FollowOrder is how a list of followers, follows or an interest's
// persons is ordered; every order breaks ties by person id, so a page
// boundary is one exact point and cursors are stable.
type FollowOrder string

// Follow orders. ByNewest and ByOldest order by when the edge was made
// (FOLLOWS.since, INTERESTED_IN.since), ByName by the person's name.
// ByNewest is ByOldest reversed, ties included: edges made at the same
// time come by person id descending (the order of a descending read of
// the Neo4j store's list keys).
const (
	ByID     FollowOrder = ""
	ByNewest FollowOrder = "NEWEST"
	ByOldest FollowOrder = "OLDEST"
	ByName   FollowOrder = "NAME"
)

// ByTime reports whether o orders by the edge's creation time.
func (o FollowOrder) ByTime() bool { return o == ByNewest || o == ByOldest }

// Valid reports whether o is a known order.
func (o FollowOrder) Valid() bool { return o == ByID || o == ByName || o.ByTime() }

// TimeKey is the order key of an edge made at t: exact to the nanosecond,
// so that a cursor points between two edges made a nanosecond apart.
func TimeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ParseTimeKey reads a TimeKey back.
func ParseTimeKey(k string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, k)
	if err != nil {
		return time.Time{}, fmt.Errorf("order key %q: %w", k, err)
	}
	return t.UTC(), nil
}
