package neo4jstore

import (
	"fmt"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// listKey is an indexed property of an edge type that orders the edges of
// one anchor (the followee of a FOLLOWS, the interest of an INTERESTED_IN)
// by time: anchor + "|" + since (21 digits) + "|" + member. A range of one
// anchor's keys, read from a range index in its order (ascending for
// OLDEST, descending for NEWEST), yields the anchor's list already sorted,
// so a page stops after first+1 edges instead of sorting every edge of a
// person with a hundred thousand followers. Person ids (canonical UUIDs)
// and interest names (domain.NormalizeInterest) hold no "|", so one
// anchor's keys are exactly those between anchor+"|" and anchor+"}".
type listKey struct {
	rel, prop, index string
	// edge matches every edge r of the type from member to anchor (their
	// variables); the anchor's prop (id or name) starts the key.
	edge, anchor, anchorProp, member string
}

var (
	// followersKey places a FOLLOWS edge among its followee's followers.
	followersKey = listKey{rel: "FOLLOWS", prop: "followersKey", index: "follows_followers_key",
		edge: "(a:Person)-[r:FOLLOWS]->(b:Person)", anchor: "b", anchorProp: "id", member: "a"}
	// personsKey places an INTERESTED_IN edge among its interest's persons.
	personsKey = listKey{rel: "INTERESTED_IN", prop: "personsKey", index: "interested_persons_key",
		edge: "(p:Person)-[r:INTERESTED_IN]->(i:Interest)", anchor: "i", anchorProp: "name", member: "p"}
)

// keyEpoch shifts Unix seconds so that every time from year 1 on has a
// non-negative, 12-digit second count.
const keyEpoch = 62135596800

// set is the SET item that gives edge r, made at at (the Cypher of a
// datetime), its key. Every statement that makes such an edge uses it.
func (k listKey) set(at string) string {
	return fmt.Sprintf("r.%s = %s.%s + '|' + right('000000000000' + toString(%s.epochSeconds + %d), 12) + right('000000000' + toString(%s.nanosecond), 9) + '|' + %s.id",
		k.prop, k.anchor, k.anchorProp, at, keyEpoch, at, k.member)
}

// keyTime is the time part of a key, as set writes it.
func keyTime(t time.Time) string {
	return fmt.Sprintf("%012d%09d", t.Unix()+keyEpoch, t.Nanosecond())
}

// schema creates the key's range index.
func (k listKey) schema() string {
	return fmt.Sprintf("CREATE RANGE INDEX %s IF NOT EXISTS FOR ()-[r:%s]-() ON (r.%s)", k.index, k.rel, k.prop)
}

// backfill keys every edge without a key (migrate.go), $batch a
// transaction.
func (k listKey) backfill() string {
	return fmt.Sprintf("MATCH %s WHERE r.%s IS NULL AND r.since IS NOT NULL\nCALL (*) { SET %s } IN TRANSACTIONS OF $batch ROWS",
		k.edge, k.prop, k.set("r.since"))
}

// order is the orderSpec of a time order over the edges r of anchor a:
// the keys between a's first key and the cursor's, in index order, the
// planner told to seek the index: without a hint it expands a's every
// edge (a's degree being unknown to it), and with USING INDEX alone it
// may pick an ordered scan of the whole index filtered by the range (on
// a young database, whose index statistics say the index is small). The
// cursor is the parameter bound (keyBound).
func (k listKey) order(o store.FollowOrder, r, a, bound string) orderSpec {
	key, anchor := r+"."+k.prop, a+"."+k.anchorProp
	spec := orderSpec{key: r + ".since", hint: fmt.Sprintf(" USING INDEX SEEK %s:%s(%s)", r, k.rel, k.prop)}
	if o == store.ByOldest {
		spec.after = fmt.Sprintf("%s > %s + %s AND %s < %s + '}'", key, anchor, bound, key, anchor)
		spec.by = key
	} else {
		spec.after = fmt.Sprintf("%s > %s + '|' AND %s < %s + %s", key, anchor, key, anchor, bound)
		spec.by = key + " DESC"
	}
	return spec
}

// keyBound is the part of the cursor's key after the anchor: the start of
// the list on a first page (past every key for NEWEST, before every key
// for OLDEST), else "|" + the cursor's time + "|" + its person.
func keyBound(pg store.Page) (string, error) {
	if pg.After == "" {
		if pg.Order == store.ByOldest {
			return "|", nil
		}
		return "}", nil
	}
	t, err := store.ParseTimeKey(pg.AfterKey)
	if err != nil {
		return "", err
	}
	return "|" + keyTime(t) + "|" + pg.After, nil
}

// mergeFollows creates the FOLLOWS edge from a to b once, with its time
// at (a parameter or a row's field) and its key; mergeInterest does the
// same for INTERESTED_IN from p to i. Every statement that makes these
// edges ends with one of them, so no edge is made without its key.
func mergeFollows(at string) string {
	return "MERGE (a)-[r:FOLLOWS]->(b) ON CREATE SET r.since = " + at + ", " + followersKey.set(at)
}

func mergeInterest(at string) string {
	return "MERGE (p)-[r:INTERESTED_IN]->(i) ON CREATE SET r.since = " + at + ", " + personsKey.set(at)
}

// BulkFollows and BulkInterests are for loaders that write edges straight
// into Neo4j (the benchmark's raw load): UNWIND $rows of {a, b, at}, the
// endpoints found by id (an interest by name, b), each edge made as the
// store makes it, with its list key, so that the store's pages see it.
var (
	BulkFollows   = "UNWIND $rows AS e MATCH (a:Person {id: e.a}) MATCH (b:Person {id: e.b})\n" + mergeFollows("e.at")
	BulkInterests = "UNWIND $rows AS e MATCH (p:Person {id: e.a}) MATCH (i:Interest {name: e.b})\n" + mergeInterest("e.at")
)
