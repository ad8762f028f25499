package neo4jstore

import (
	"context"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// notBlocked keeps x only if it is in no block with the viewer ("" matches
// no person, so without a viewer nothing is excluded).
const notBlocked = `NOT EXISTS { (x)-[:BLOCKS]-(:Person {id: $viewer}) }`

// searchQuery ranks the index hits as domain.SearchMatch does: whole-word
// hits, then follower count, then id. The hits are at most
// store.MaxSearchMatches, so collecting them is bounded.
const searchQuery = `CALL db.index.fulltext.queryNodes('person_search', $q, {limit: $cap}) YIELD node AS x
WHERE x.name IS NOT NULL AND ` + notBlocked + `
WITH x, size([w IN $words WHERE w IN split(x.searchName, ' ')]) AS rel,
  COUNT { (x)<-[:FOLLOWS]-(f:Person) WHERE f.name IS NOT NULL } AS fc
ORDER BY rel DESC, fc DESC, x.id
WITH collect(x) AS hits
RETURN size(hits) AS total, [x IN hits[$offset..$end] | ` + personMap + `] AS persons`

// SearchPersons implements store.SocialReader. Every word becomes a
// required prefix clause; the words hold only letters and digits
// (domain.SearchKey), none of Lucene's special characters.
func (s *Store) SearchPersons(ctx context.Context, viewer string, words []string, pg store.OffsetPage) (store.PersonPage, error) {
	clauses := make([]string, len(words))
	for i, w := range words {
		clauses[i] = "+" + w + "*"
	}
	recs, err := s.read(ctx, searchQuery, map[string]any{"q": strings.Join(clauses, " "), "words": words, "viewer": viewer,
		"cap": store.MaxSearchMatches, "offset": pg.Offset, "end": pg.Offset + pg.First + 1})
	if err != nil || len(recs) == 0 {
		return store.PersonPage{Persons: []store.Person{}}, err
	}
	f := &fields{src: recs[0], what: "search"}
	total, persons := count(f, "total"), list[any](f, "persons")
	if f.err != nil {
		return store.PersonPage{}, f.err
	}
	return personPage(total, persons, pg.First)
}

// interestsQuery counts and pages in two subqueries; each returns one row
// (an aggregate), so an empty page still reports its total.
func interestsQuery(order string) string {
	return `CALL {
  MATCH (i:Interest) WHERE i.name STARTS WITH $prefix AND EXISTS { (i)<-[:INTERESTED_IN]-(p:Person) WHERE p.name IS NOT NULL }
  RETURN count(i) AS total
}
CALL {
  MATCH (i:Interest) WHERE i.name STARTS WITH $prefix
  WITH i.name AS name, COUNT { (i)<-[:INTERESTED_IN]-(p:Person) WHERE p.name IS NOT NULL } AS n WHERE n > 0
  WITH name, n ORDER BY ` + order + ` SKIP $offset LIMIT $limit
  RETURN collect({name: name, n: n}) AS page
}
RETURN total, page`
}

var (
	interestsByPopularity = interestsQuery("n DESC, name")
	interestsByName       = interestsQuery("name")
)

// Interests implements store.SocialReader.
func (s *Store) Interests(ctx context.Context, prefix string, order store.InterestOrder, pg store.OffsetPage) (store.InterestPage, error) {
	cypher := interestsByPopularity
	if order == store.InterestsByName {
		cypher = interestsByName
	}
	recs, err := s.read(ctx, cypher, map[string]any{"prefix": prefix, "offset": pg.Offset, "limit": pg.First + 1})
	res := store.InterestPage{Interests: []store.Interest{}}
	if err != nil || len(recs) == 0 {
		return res, err
	}
	f := &fields{src: recs[0], what: "interest directory"}
	res.TotalCount = count(f, "total")
	page := list[any](f, "page")
	if f.err != nil {
		return store.InterestPage{}, f.err
	}
	// The page was read with one extra, which only says there is more.
	if len(page) > pg.First {
		page, res.HasNext = page[:pg.First], true
	}
	if res.Interests, err = toInterestList(page, true); err != nil {
		return store.InterestPage{}, err
	}
	return res, nil
}

// trendingQuery reads the window's edges through the INTERESTED_IN.since
// index, then sizes only the interests that have new adopters.
const trendingQuery = `MATCH (p:Person)-[r:INTERESTED_IN]->(i:Interest) WHERE r.since >= $from AND r.since < $to AND p.name IS NOT NULL
WITH i, count(p) AS adopters
WITH i, adopters, COUNT { (i)<-[:INTERESTED_IN]-(q:Person) WHERE q.name IS NOT NULL } AS size
WITH i, adopters, size, toFloat(adopters) / sqrt(size) AS score
ORDER BY score DESC, adopters DESC, i.name LIMIT $first
RETURN i.name AS name, adopters, size, score`

// TrendingInterests implements store.SocialReader.
func (s *Store) TrendingInterests(ctx context.Context, from, to time.Time, first int) ([]store.TrendingInterest, error) {
	recs, err := s.read(ctx, trendingQuery, map[string]any{"from": from.UTC(), "to": to.UTC(), "first": first})
	if err != nil {
		return nil, err
	}
	out := make([]store.TrendingInterest, 0, len(recs))
	for _, r := range recs {
		f := &fields{src: r, what: "trending interest"}
		t := store.TrendingInterest{Interest: store.Interest{Name: req[string](f, "name"), PersonCount: count(f, "size")},
			Adopters: count(f, "adopters"), Score: req[float64](f, "score")}
		if f.err != nil {
			return nil, f.err
		}
		out = append(out, t)
	}
	return out, nil
}

const relatedQuery = `MATCH (i:Interest {name: $name})<-[:INTERESTED_IN]-(p:Person)-[:INTERESTED_IN]->(j:Interest)
WHERE p.name IS NOT NULL AND j <> i
WITH i, j, count(p) AS shared
WITH j, shared,
  COUNT { (i)<-[:INTERESTED_IN]-(a:Person) WHERE a.name IS NOT NULL } AS ni,
  COUNT { (j)<-[:INTERESTED_IN]-(b:Person) WHERE b.name IS NOT NULL } AS nj
WITH j, shared, nj, toFloat(shared) / (ni + nj - shared) AS score
ORDER BY score DESC, shared DESC, j.name LIMIT $first
RETURN j.name AS name, nj, shared, score`

// RelatedInterests implements store.SocialReader.
func (s *Store) RelatedInterests(ctx context.Context, name string, first int) ([]store.RelatedInterest, error) {
	recs, err := s.read(ctx, relatedQuery, map[string]any{"name": name, "first": first})
	if err != nil {
		return nil, err
	}
	out := make([]store.RelatedInterest, 0, len(recs))
	for _, r := range recs {
		f := &fields{src: r, what: "related interest"}
		ri := store.RelatedInterest{Interest: store.Interest{Name: req[string](f, "name"), PersonCount: count(f, "nj")},
			SharedPersons: count(f, "shared"), Score: req[float64](f, "score")}
		if f.err != nil {
			return nil, f.err
		}
		out = append(out, ri)
	}
	return out, nil
}

// socialList is a person list of the anchor a that leaves out anyone in a
// block with the viewer (and everything of an anchor in one). Social
// lists are ordered by id only.
func socialList(pattern string) statements {
	l := listShape{anchor: registered + " AND NOT EXISTS { (a)-[:BLOCKS]-(:Person {id: $viewer}) }",
		pattern: pattern, filter: "x.name IS NOT NULL AND " + notBlocked}
	spec := orderSpecs[store.ByID]
	return statements{store.ByID: {pageStatement(l, spec, false), pageStatement(l, spec, true)}}
}

var (
	mutualsStatements          = socialList("(a)<-[:FOLLOWS]-(x:Person)<-[:FOLLOWS]-(a)")
	followersYouKnowStatements = socialList("(a)<-[:FOLLOWS]-(x:Person)<-[:FOLLOWS]-(:Person {id: $viewer})")
)

func (s *Store) socialPages(ctx context.Context, st statements, viewer string, keys []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.pagesWith(ctx, st, keys, pg, map[string]any{"viewer": viewer})
}

// Mutuals implements store.SocialReader.
func (s *Store) Mutuals(ctx context.Context, viewer string, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.socialPages(ctx, mutualsStatements, viewer, ids, pg)
}

// FollowersYouKnow implements store.SocialReader.
func (s *Store) FollowersYouKnow(ctx context.Context, viewer string, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	if viewer == "" {
		out := make(map[string]store.PersonPage, len(ids))
		for _, id := range ids {
			out[id] = store.PersonPage{Persons: []store.Person{}}
		}
		return out, nil
	}
	return s.socialPages(ctx, followersYouKnowStatements, viewer, ids, pg)
}

// Relationships implements store.SocialReader.
func (s *Store) Relationships(ctx context.Context, viewer string, ids []string) (map[string]store.Relationship, error) {
	recs, err := s.read(ctx, `MATCH (me:Person {id: $viewer})
UNWIND $ids AS id MATCH (p:Person {id: id})
RETURN id, EXISTS { (me)-[:FOLLOWS]->(p) } AS following, EXISTS { (p)-[:FOLLOWS]->(me) } AS followedBy,
  EXISTS { (me)-[:BLOCKS]->(p) } AS blocking, EXISTS { (p)-[:BLOCKS]->(me) } AS blockedBy,
  EXISTS { (me)-[:MUTES]->(p) } AS muting`, map[string]any{"viewer": viewer, "ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.Relationship, len(ids))
	for _, r := range recs {
		f := &fields{src: r, what: "relationship"}
		id := req[string](f, "id")
		rel := store.Relationship{Following: req[bool](f, "following"), FollowedBy: req[bool](f, "followedBy"),
			Blocking: req[bool](f, "blocking"), BlockedBy: req[bool](f, "blockedBy"), Muting: req[bool](f, "muting")}
		if f.err != nil {
			return nil, f.err
		}
		out[id] = rel
	}
	return out, nil
}
