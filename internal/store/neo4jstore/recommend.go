package neo4jstore

import (
	"context"
	"sort"

	"github.com/interestgraph/interestgraph/internal/store"
)

// recommendable keeps a candidate c that the caller me does not follow, is
// in no block with, and has not muted or dismissed.
const recommendable = `c <> me AND c.name IS NOT NULL AND NOT (me)-[:FOLLOWS]->(c)
  AND NOT EXISTS { (me)-[:BLOCKS]-(c) } AND NOT EXISTS { (me)-[:MUTES|DISMISSED]->(c) }`

// recommendQuery scores as the memory store does (see store.Recommendation).
// Three things keep it cheap on a large graph:
//   - the persons the caller follows, mutes, dismissed or is in a block
//     with are collected once, and candidates are checked against that
//     list, instead of three relationship checks per candidate;
//   - the follower count that breaks ties is counted only for the
//     candidates scoring at least the first-th best score (t): any other
//     is ranked below first candidates whatever its count;
//   - the shared interests are named only for the persons kept.
const recommendQuery = `MATCH (me:Person {id: $id}) WHERE me.name IS NOT NULL
WITH me, COLLECT { MATCH (me)-[:FOLLOWS|MUTES|DISMISSED]->(o:Person) RETURN o } +
  COLLECT { MATCH (me)-[:BLOCKS]-(o:Person) RETURN o } AS excluded
CALL {
  WITH me
  MATCH (me)-[:INTERESTED_IN]->(:Interest)<-[:INTERESTED_IN]-(c:Person)
  RETURN c, 1.0 AS s, 0 AS via, 0 AS fy
  UNION ALL
  WITH me
  MATCH (me)-[:FOLLOWS]->(f:Person)-[:FOLLOWS]->(c:Person) WHERE f.name IS NOT NULL
  RETURN c, 0.5 AS s, 1 AS via, 0 AS fy
  UNION ALL
  WITH me
  MATCH (c:Person)-[:FOLLOWS]->(me)
  RETURN c, 0.5 AS s, 0 AS via, 1 AS fy
}
WITH me, excluded, c, sum(s) AS score, sum(via) AS via, sum(fy) > 0 AS fy
WHERE c <> me AND c.name IS NOT NULL AND NOT c IN excluded
WITH me, c, score, via, fy ORDER BY score DESC
WITH me, collect({c: c, score: score, via: via, fy: fy}) AS cands
WITH me, cands, cands[$first - 1].score AS t
UNWIND cands AS cd
WITH me, cd WHERE t IS NULL OR cd.score >= t
WITH me, cd.c AS x, cd.score AS score, cd.via AS via, cd.fy AS fy
WITH me, x, score, via, fy, COUNT { (x)<-[:FOLLOWS]-(g:Person) WHERE g.name IS NOT NULL } AS n
ORDER BY score DESC, n DESC, x.id LIMIT $first
RETURN ` + personMap + ` AS p, score, [(me)-[:INTERESTED_IN]->(i:Interest)<-[:INTERESTED_IN]-(x) | i.name] AS shared,
  via, fy, false AS popular`

// popularQuery is the cold start: the most-followed recommendable persons.
// It reads every person's follower degree, so it runs only when the
// scored query found nobody.
const popularQuery = `MATCH (me:Person {id: $id}) WHERE me.name IS NOT NULL
MATCH (c:Person) WHERE ` + recommendable + `
WITH c, COUNT { (c)<-[:FOLLOWS]-(g:Person) WHERE g.name IS NOT NULL } AS n WHERE n > 0
WITH c AS x, n ORDER BY n DESC, x.id LIMIT $first
RETURN ` + personMap + ` AS p, 0.0 AS score, [] AS shared, 0 AS via, false AS fy, true AS popular`

// Recommend implements store.Reader.
func (s *Store) Recommend(ctx context.Context, id string, first int) ([]store.Recommendation, error) {
	params := map[string]any{"id": id, "first": first}
	recs, err := s.read(ctx, recommendQuery, params)
	if err == nil && len(recs) == 0 {
		recs, err = s.read(ctx, popularQuery, params)
	}
	if err != nil {
		return nil, err
	}
	out := make([]store.Recommendation, 0, len(recs))
	for _, r := range recs {
		f := &fields{src: r, what: "recommendation"}
		score, names, p := req[float64](f, "score"), list[string](f, "shared"), req[any](f, "p")
		rec := store.Recommendation{Score: score, FollowedVia: count(f, "via"), FollowsYou: req[bool](f, "fy"), Popular: req[bool](f, "popular")}
		if f.err != nil {
			return nil, f.err
		}
		person, err := toPerson(p)
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		rec.Person, rec.SharedInterests = person, names
		out = append(out, rec)
	}
	return out, nil
}
