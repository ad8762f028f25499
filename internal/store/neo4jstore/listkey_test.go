package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestKeyTimeSortsAsTime: the time part of a list key orders as the
// times do, across seconds, nanoseconds, zones and the years around 1970.
func TestKeyTimeSortsAsTime(t *testing.T) {
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	times := []time.Time{base, base.Add(1), base.Add(999_999_999), base.Add(time.Second), base.Add(-1),
		time.Date(1969, 12, 31, 23, 59, 59, 5, time.UTC), time.Unix(0, 0), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), base.In(time.FixedZone("east", 5*3600)).Add(2)}
	sort.Slice(times, func(i, j int) bool { return keyTime(times[i]) < keyTime(times[j]) })
	for i := range times[1:] {
		if !times[i].Before(times[i+1]) || len(keyTime(times[i])) != 21 {
			t.Errorf("%v (%s) sorts before %v (%s)", times[i], keyTime(times[i]), times[i+1], keyTime(times[i+1]))
		}
	}
}

// keyedFans is how many followers (and holders of one interest) the
// profiled anchor has: enough that a read of every edge stands out from
// a page's by two orders of magnitude.
const keyedFans = 3000

// TestTimePagesReadOnlyThePage profiles the page reads of a person with
// keyedFans followers, who all hold one interest: the planned followers
// list, the batch followers read and the interest's persons, newest and
// oldest first, from the start and from a cursor in the middle. Each
// must read about first+1 edges, never the anchor's every edge (as a
// sort by the edge's time before the LIMIT does).
func TestTimePagesReadOnlyThePage(t *testing.T) {
	s := openTestStore(t)
	hub, topic, fans := seedFans(t, s)
	const first = 20
	mid := len(fans) / 2
	for _, order := range []store.FollowOrder{store.ByNewest, store.ByOldest} {
		want := slices.Clone(fans)
		if order == store.ByNewest {
			slices.Reverse(want)
		}
		for _, from := range []int{-1, mid} {
			pg := store.Page{First: first, Order: order, SkipTotal: true}
			if from >= 0 {
				pg.After, pg.AfterKey = want[from].id, store.TimeKey(want[from].at)
			}
			name := fmt.Sprintf("%s after %q", order, pg.After)
			wantIDs := make([]string, 0, first)
			for _, f := range want[from+1 : from+1+first] {
				wantIDs = append(wantIDs, f.id)
			}
			plan := store.PersonPlan{Lists: []store.ListPlan{{Kind: store.FollowersList, Page: pg}}}
			cypher, params, err := compilePlan(hub, plan)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := checkBounded(t, s, "planned followers "+name, cypher, params, first).Get("p")
			r, err := toPersonRead(v, plan)
			if err != nil {
				t.Fatal(err)
			}
			checkIDs(t, "planned followers "+name, r.Lists[0].Page.Persons, r.Lists[0].Page.HasNext, wantIDs)
			for which, c := range map[string]struct {
				st  statements
				key string
			}{"followers": {followersStatements, hub}, "interest persons": {interestStatements, topic}} {
				cypher, err := c.st.pick(pg)
				if err != nil {
					t.Fatal(err)
				}
				params, err := pageParams([]string{c.key}, pg)
				if err != nil {
					t.Fatal(err)
				}
				rec := checkBounded(t, s, which+" "+name, cypher, params, first)
				f := &fields{src: rec, what: "page"}
				page, err := personPage(0, list[any](f, "persons"), first)
				if err != nil || f.err != nil {
					t.Fatal(err, f.err)
				}
				checkIDs(t, which+" "+name, page.Persons, page.HasNext, wantIDs)
			}
		}
	}
}

func checkIDs(t *testing.T, name string, got []store.Person, next bool, want []string) {
	t.Helper()
	ids := make([]string, 0, len(got))
	for _, p := range got {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, want) || !next {
		t.Errorf("%s: page %v (next %v), want %v (next true)", name, ids, next, want)
	}
}

// checkBounded profiles a page statement and returns its one record: no
// operator that reads edges may produce more than twice first+1 rows, and
// none may scan an index (the planner picks a scan on a young database
// whose index statistics say it is small).
func checkBounded(t *testing.T, s *Store, name, cypher string, params map[string]any, first int) *neo4j.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "PROFILE "+cypher, params, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("%s: %d records, want 1", name, len(res.Records))
	}
	read := 0
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		if op := p.Operator(); strings.Contains(op, "Expand") || strings.Contains(op, "Relationship") {
			read++
			// A scan of the key index reads every anchor's keys until the
			// cursor: few on a small graph, all of them on a large one.
			if strings.Contains(op, "IndexScan") {
				t.Errorf("%s: %s scans the key index instead of seeking the anchor's range", name, op)
			}
			if p.Records() > int64(2*(first+1)) {
				t.Errorf("%s: %s read %d edges for a page of %d", name, op, p.Records(), first)
			}
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(res.Summary.Profile())
	if read == 0 {
		t.Errorf("%s: no operator read an edge: the profile shows nothing", name)
	}
	return res.Records[0]
}

// seedFans makes a person and an interest with keyedFans followers and
// holders each, written with the store's own edge statements, and removes
// them when the test ends, and the fans oldest first. Fans follow two
// at once, two seconds apart.
func seedFans(t *testing.T, s *Store) (hub, topic string, fans []timed) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hub, topic = domain.NewID(), "celebrity "+testsupport.Letters()
	base := time.Date(2026, 5, 6, 7, 8, 9, 10, time.UTC)
	rows := make([]map[string]any, 0, keyedFans)
	for i := range keyedFans {
		at := base.Add(time.Duration(i/2*2) * time.Second)
		fans = append(fans, timed{domain.NewID(), at})
		rows = append(rows, map[string]any{"id": fans[i].id, "at": at})
	}
	sort.Slice(fans, func(i, j int) bool { // oldest first, ties by id
		return fans[i].at.Before(fans[j].at) || fans[i].at.Equal(fans[j].at) && fans[i].id < fans[j].id
	})
	t.Cleanup(func() {
		ids := []string{hub}
		for _, f := range fans {
			ids = append(ids, f.id)
		}
		testsupport.ForgetPersons(t, ids, []string{topic})
	})
	run := func(cypher string, params map[string]any) {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer, s.dbOpt()); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	run(`CREATE (:Person {id: $hub, name: 'Hub'}) MERGE (:Interest {name: $topic})`, map[string]any{"hub": hub, "topic": topic})
	run(`MATCH (b:Person {id: $hub}), (i:Interest {name: $topic}) UNWIND $rows AS e
CREATE (a:Person {id: e.id, name: 'Fan'}) WITH a, b, i, e, a AS p
`+mergeFollows("e.at")+` WITH p, i, e `+mergeInterest("e.at"), map[string]any{"hub": hub, "topic": topic, "rows": rows})
	return hub, topic, fans
}

type timed struct {
	id string
	at time.Time
}

// TestBackfillKeysOldEdges: edges made before list keys existed are
// missing from the time-ordered pages until the start's backfill keys
// them; a second backfill changes nothing.
func TestBackfillKeysOldEdges(t *testing.T) {
	s := openTestStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hub, topic := domain.NewID(), "old "+testsupport.Letters()
	fans := []string{domain.NewID(), domain.NewID(), domain.NewID()}
	t.Cleanup(func() { testsupport.ForgetPersons(t, append([]string{hub}, fans...), []string{topic}) })
	_, err := neo4j.ExecuteQuery(ctx, s.driver, `CREATE (b:Person {id: $hub, name: 'Hub'}) MERGE (i:Interest {name: $topic})
WITH b, i UNWIND range(0, size($fans) - 1) AS n
CREATE (b)<-[:FOLLOWS {since: $at + duration({seconds: n})}]-(:Person {id: $fans[n], name: 'Fan'})-[:INTERESTED_IN {since: $at + duration({seconds: n})}]->(i)`,
		map[string]any{"hub": hub, "topic": topic, "fans": fans, "at": time.Now().UTC()}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		t.Fatal(err)
	}
	newest := []string{fans[2], fans[1], fans[0]}
	read := func() (followers, persons []string) {
		pg := store.Page{First: 10, Order: store.ByNewest, SkipTotal: true}
		f, err := s.Followers(ctx, []string{hub}, pg)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.InterestPersons(ctx, []string{topic}, pg)
		if err != nil {
			t.Fatal(err)
		}
		return ids(f[hub].Persons), ids(p[topic].Persons)
	}
	if f, p := read(); len(f) != 0 || len(p) != 0 {
		t.Fatalf("edges without keys paged before the backfill (%v, %v): the test shows nothing", f, p)
	}
	for range 2 {
		for _, k := range []listKey{followersKey, personsKey} {
			if err := s.backfillKeys(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		if f, p := read(); !slices.Equal(f, newest) || !slices.Equal(p, newest) {
			t.Fatalf("after the backfill: followers %v, interest persons %v, want %v", f, p, newest)
		}
	}
}

func ids(ps []store.Person) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}
