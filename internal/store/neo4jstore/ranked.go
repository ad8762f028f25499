package neo4jstore

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/store"
)

// rankedInterests reads a page of each person's interests: ORDER BY …
// LIMIT in a subquery, so a person's 1,000 interests are never all
// projected for a page of ten, and counted only when ordered by count.
func rankedInterests(count, order string) string {
	return `UNWIND $ids AS id
OPTIONAL MATCH (p:Person {id: id}) WHERE p.name IS NOT NULL
CALL {
  WITH p
  MATCH (p)-[:INTERESTED_IN]->(i:Interest)
  WITH i.name AS name, ` + count + ` AS n ORDER BY ` + order + ` LIMIT $first
  RETURN collect({name: name, n: n}) AS interests
}
RETURN id, interests`
}

var rankedStatements = map[store.InterestOrder]string{
	store.InterestsByName:       rankedInterests("0", "name"),
	store.InterestsByPopularity: rankedInterests("COUNT { (i)<-[:INTERESTED_IN]-(q:Person) WHERE q.name IS NOT NULL }", "n DESC, name"),
}

// RankedInterestsOf implements store.Reader.
func (s *Store) RankedInterestsOf(ctx context.Context, ids []string, order store.InterestOrder, first int) (map[string][]store.Interest, error) {
	cypher, ok := rankedStatements[order]
	if !ok {
		cypher = rankedStatements[store.InterestsByName]
	}
	recs, err := s.read(ctx, cypher, map[string]any{"ids": ids, "first": first})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]store.Interest, len(ids))
	for _, r := range recs {
		f := &fields{src: r, what: "interests of a person"}
		id, list := req[string](f, "id"), list[any](f, "interests")
		if f.err != nil {
			return nil, f.err
		}
		interests, err := toInterestList(list, true)
		if err != nil {
			return nil, err
		}
		out[id] = interests
	}
	return out, nil
}
