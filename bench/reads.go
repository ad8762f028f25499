package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

// readQuery is one read, written three ways: our GraphQL, the peer's
// GraphQL, and one hand-written Cypher statement (the floor). Every
// contestant selects the same fields. No DateTime field is selected:
// @neo4j/graphql projects DateTime through APOC, which the dev stack's
// Neo4j Community does not have.
type readQuery struct {
	name, ours, peer, floor string
	self                    bool   // needs the person's own token (ours) and a registered client as subject
	subject                 string // a fixed subject (loadCelebrities), not a person of the graph
}

var readQueries = []readQuery{
	{name: "person by id",
		ours:  `query($id: ID!) { person(id: $id) { id name } }`,
		peer:  `query($id: ID!) { people(where: {id: {eq: $id}}) { id name } }`,
		floor: `MATCH (p:Person {id: $id}) RETURN p.id AS id, p.name AS name`},
	{name: "person → interests",
		ours:  `query($id: ID!) { person(id: $id) { id name interests { name } } }`,
		peer:  `query($id: ID!) { people(where: {id: {eq: $id}}) { id name interests { name } } }`,
		floor: `MATCH (p:Person {id: $id}) RETURN p.id AS id, p.name AS name, [(p)-[:INTERESTED_IN]->(i:Interest) | i.name] AS interests`},
	{name: "person → following → interests",
		// By name: our lists have no id order (NEWEST is the default), and
		// the bench graph's names are unique, so all three agree.
		ours: `query($id: ID!) { person(id: $id) { id name following(first: 20, orderBy: NAME) { edges { node { id name interests { name } } } } } }`,
		peer: `query($id: ID!) { people(where: {id: {eq: $id}}) { id name follows(limit: 20, sort: [{name: ASC}]) { id name interests { name } } } }`,
		floor: `MATCH (p:Person {id: $id})
CALL { WITH p MATCH (p)-[:FOLLOWS]->(f:Person) WITH f ORDER BY f.name, f.id LIMIT 20
  RETURN collect(f {.id, .name, interests: [(f)-[:INTERESTED_IN]->(i:Interest) | i.name]}) AS following }
RETURN p.id AS id, p.name AS name, following`},
	{name: "depth 5: following ×4 → interests",
		// Three at each level by name: 81 persons with their interests at
		// the bottom, 120 in all, in one request.
		// The peer is left out: @neo4j/graphql 7 did not answer this read
		// (follows(limit: 3, sort: [{name: ASC}]) nested four deep) within
		// the client's 60 s timeout, even on the smoke graph.
		ours: `query($id: ID!) { person(id: $id) { id name ` + oursFollowing(4, `interests { name }`) + ` } }`,
		floor: `MATCH (p:Person {id: $id})
RETURN p.id AS id, p.name AS name, ` + floorFollowing("p", 4) + ` AS following`},
	{name: "recommendations", self: true,
		ours: `{ recommendedPeople(first: 10) { person { id name } score } }`,
		peer: `query($id: ID!) { people(where: {id: {eq: $id}}) { recommendedPeople(first: 10) { id name } } }`,
		floor: `MATCH (me:Person {id: $id})
CALL { WITH me MATCH (me)-[:INTERESTED_IN]->(:Interest)<-[:INTERESTED_IN]-(c:Person) RETURN c, 1.0 AS s
  UNION ALL WITH me MATCH (me)-[:FOLLOWS]->(f:Person)-[:FOLLOWS]->(c:Person) WHERE f.name IS NOT NULL RETURN c, 0.5 AS s
  UNION ALL WITH me MATCH (c:Person)-[:FOLLOWS]->(me) RETURN c, 0.5 AS s }
WITH me, c, sum(s) AS score WHERE c <> me AND c.name IS NOT NULL AND NOT (me)-[:FOLLOWS]->(c)
WITH c, score, COUNT { (c)<-[:FOLLOWS]-(g:Person) WHERE g.name IS NOT NULL } AS n
RETURN c.id AS id, c.name AS name, score ORDER BY score DESC, n DESC, id LIMIT 10`},
	followersPage("followers page: 100 followers", subjectSmall),
	followersPage("followers page: celebrity", subjectCelebrity),
}

// oursFollowing nests n levels of the first three persons followed, by
// name, with leaf selected at the bottom.
func oursFollowing(n int, leaf string) string {
	if n == 0 {
		return leaf
	}
	return `following(first: 3, orderBy: NAME) { edges { node { id name ` + oursFollowing(n-1, leaf) + ` } } }`
}

// floorFollowing is the same read as nested COLLECT subqueries.
func floorFollowing(v string, n int) string {
	w := fmt.Sprintf("f%d", n)
	inner := `interests: COLLECT { MATCH (` + w + `)-[:INTERESTED_IN]->(i:Interest) RETURN i.name }`
	if n > 1 {
		inner = `following: ` + floorFollowing(w, n-1)
	}
	return `COLLECT { MATCH (` + v + `)-[:FOLLOWS]->(` + w + `:Person) WITH ` + w + ` ORDER BY ` + w + `.name LIMIT 3 RETURN ` + w + ` {.id, .name, ` + inner + `} }`
}

// of returns the contestants that answer q: all but the peer when q has
// no peer query.
func (q readQuery) of(cs []contestant) []contestant {
	if q.peer != "" {
		return cs
	}
	var out []contestant
	for _, c := range cs {
		if c.name != "peer" {
			out = append(out, c)
		}
	}
	return out
}

// answering returns the contestants that answer q: q.of(cs), less the peer
// when it refused q while the answers were verified.
func (r *runner) answering(q readQuery, cs []contestant) []contestant {
	out := q.of(cs)
	if _, refused := r.rep.PeerRefused[q.name]; refused {
		out = slices.DeleteFunc(slices.Clone(out), func(c contestant) bool { return c.name == "peer" })
	}
	return out
}

func (r *runner) refusedByPeer(q readQuery, err error) {
	if r.rep.PeerRefused == nil {
		r.rep.PeerRefused = map[string]string{}
	}
	if _, seen := r.rep.PeerRefused[q.name]; !seen {
		r.logf("  %s: the peer could not answer: %v", q.name, err)
		r.rep.PeerRefused[q.name] = err.Error()
	}
}

// contestant answers reads; do returns the answer's data for checking.
// With keep false it returns nil: a GraphQL client then checks that the
// answer is a response with data and no errors (one scan, data not
// materialised), as the timed runs do; the driver decodes its records
// whatever is asked. verifyReads compares materialised answers first.
type contestant struct {
	name string
	do   func(ctx context.Context, q readQuery, id, token string, keep bool) (any, error)
}

func (r *runner) contestants(d neo4j.DriverWithContext, oursURL, peerURL string) []contestant {
	cs := []contestant{{name: "ours", do: func(ctx context.Context, q readQuery, id, token string, keep bool) (any, error) {
		vars := map[string]any{"id": id}
		if q.self {
			vars = nil
		}
		return answer(ctx, oursURL, gqlclient.Request{Query: q.ours, Variables: vars, Token: token}, keep)
	}}}
	if peerURL != "" {
		cs = append(cs, contestant{name: "peer", do: func(ctx context.Context, q readQuery, id, _ string, keep bool) (any, error) {
			return answer(ctx, peerURL, gqlclient.Request{Query: q.peer, Variables: map[string]any{"id": id}}, keep)
		}})
	}
	// The floor runs its statement as our store runs a read: one
	// auto-commit statement, RUN and PULL in one round trip. ExecuteQuery's
	// managed transaction (BEGIN, and COMMIT in a second round trip) cost a
	// fifth of the rate; a floor must be the cheapest way to read.
	bookmarks := d.ExecuteQueryBookmarkManager()
	return append(cs, contestant{name: "cypher", do: func(ctx context.Context, q readQuery, id, _ string, _ bool) (any, error) {
		sess := d.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, BookmarkManager: bookmarks})
		defer func() { _ = sess.Close(ctx) }()
		res, err := sess.Run(ctx, q.floor, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		rows := make([]any, len(recs))
		for i, rec := range recs {
			rows[i] = rec.AsMap()
		}
		return rows, nil
	}})
}

// subject picks the person a request asks about, the same sequence for
// every contestant: any person, or a registered client for "self" reads.
func (r *runner) subject(q readQuery, worker, seq int) (id, token string) {
	h := mix(uint64(worker)<<32 | uint64(seq))
	if q.subject != "" {
		return r.celebrities[q.subject], ""
	}
	if q.self {
		c := r.clients[h%uint64(len(r.clients))]
		return c.ID, c.Token
	}
	return r.g.IDs[h%uint64(len(r.g.IDs))], ""
}

// mix is SplitMix64's finaliser: a cheap, well-spread hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *runner) stageReads(ctx context.Context) error {
	peerURL := ""
	if r.peer != nil {
		peerURL = r.peer.url
	}
	cs := r.contestants(r.neo.d, r.ours.url, peerURL)
	if err := r.verifyReads(ctx, cs); err != nil {
		return err
	}
	top := maxInt(r.cfg.Concurrency)
	for _, q := range readQueries {
		for _, c := range r.answering(q, cs) { // warm-up: connections, plans, caches
			closedLoop(ctx, top, r.cfg.Warmup, r.readOp(c, q))
		}
		for _, conc := range r.cfg.Concurrency {
			runs := map[string][]Sample{}
			// Contestants take turns within each repeat, so drift hits all alike.
			for range r.cfg.Repeats {
				for _, c := range r.answering(q, cs) {
					runs[c.name] = append(runs[c.name], closedLoop(ctx, conc, r.cfg.Duration, r.readOp(c, q)))
				}
			}
			for _, c := range r.answering(q, cs) {
				res := summarize("reads", q.name, c.name, "req", conc, runs[c.name])
				if err := tooManyErrors(res); err != nil {
					return err
				}
				r.rep.add(res, "")
				r.logf("  %-32s %-6s c=%-3d %8.0f req/s  p50 %6.1f ms  p99 %6.1f ms", q.name, c.name, conc,
					res.Throughput.Median, res.P50ms.Median, res.P99ms.Median)
			}
		}
	}
	return r.countRoundTrips(ctx)
}

func (r *runner) readOp(c contestant, q readQuery) op {
	return func(ctx context.Context, worker, seq int) error {
		id, tok := r.subject(q, worker, seq)
		_, err := c.do(ctx, q, id, tok, false)
		return err
	}
}

// answer runs a GraphQL read; with keep, its data decoded. Without, the
// answer is still read whole and checked (a JSON response with data and
// without errors), as a client must before it uses one, but not
// materialised: encoding/json builds a map per object at a few tens of
// MB/s, so decoding a nested read's 12 KB answer cost the load generator,
// which shares the cores with the contestants, more than the gateway's
// whole work for it. A browser's JSON.parse does it at hundreds of MB/s.
func answer(ctx context.Context, url string, req gqlclient.Request, keep bool) (any, error) {
	if !keep {
		return nil, endpoint(url).Run(ctx, req, nil)
	}
	var out any
	return out, endpoint(url).Run(ctx, req, &out)
}

// verifyReads checks, for a few subjects, that every contestant returns
// the same ids, names and interest names: the contestants must do the same
// work for the comparison to mean anything.
func (r *runner) verifyReads(ctx context.Context, cs []contestant) error {
	for _, q := range readQueries {
		for seq := range 3 {
			id, tok := r.subject(q, 99, seq)
			var want string
			for i, c := range r.answering(q, cs) {
				data, err := c.do(ctx, q, id, tok, true)
				if err != nil && c.name == "peer" {
					// A limit of the peer's (say, Neo4j's transaction
					// memory) is a result, not a broken run.
					r.refusedByPeer(q, err)
					continue
				}
				if err != nil {
					return fmt.Errorf("%s, %s: %w", q.name, c.name, err)
				}
				got := canonical(data)
				if got == "" {
					return fmt.Errorf("%s, %s: empty answer for %s", q.name, c.name, id)
				}
				if i == 0 {
					want = got
				} else if got != want {
					return fmt.Errorf("%s: %s and %s answer differently for %s:\n  %s\n  %s", q.name, cs[0].name, c.name, id, want, got)
				}
			}
		}
	}
	return nil
}

// canonical lists the string leaves of an answer, sorted: the shapes of the
// three answers differ, their content must not.
func canonical(v any) string {
	var leaves []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			leaves = append(leaves, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case json.RawMessage:
			var y any
			_ = json.Unmarshal(x, &y)
			walk(y)
		}
	}
	walk(v)
	slices.Sort(leaves)
	return strings.Join(leaves, ",")
}

// tooManyErrors fails a point whose requests failed more than 1% of the time
// (or that measured nothing): its numbers would not mean anything.
func tooManyErrors(res Result) error {
	ops, errs, first := 0, 0, ""
	for _, s := range res.Runs {
		ops, errs = ops+s.Ops, errs+s.Errors
		if first == "" {
			first = s.FirstError
		}
	}
	if ops == 0 || errs*100 > ops+errs {
		return fmt.Errorf("%s, %s at concurrency %d: %d ok, %d failed (first: %s)", res.Name, res.Contestant, res.Concurrency, ops, errs, first)
	}
	return nil
}
