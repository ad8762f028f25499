// Interest communities: groups of interests linked by being held together, without any plugin.
// The top interests by holders are linked when at least min_persons hold both; each community is a
// connected group of linked interests (found by propagating the smallest index along links, one link per round),
// named by its alphabetically first interest.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param top int 100 2..500 only the most-held interests are grouped
// @param min_persons int 1 1..1000000 persons who must hold both interests for a link
// @param rounds int 10 1..50 propagation sweeps; communities wider than this many links may come out split
// @cost The co-occurrence pass (see interest-cooccurrence) restricted to the top interests; indexing the links takes links × top list steps (500 interests, 10,000 links: 5 million, seconds), then rounds × (top + links).
MATCH (p:Person)-[:INTERESTED_IN]->(i:Interest)
WHERE p.id STARTS WITH $scope
WITH i, count(p) AS holders ORDER BY holders DESC, i.name LIMIT $top
WITH collect(i) AS ins
CALL (ins) {
  UNWIND ins AS i
  MATCH (i)<-[:INTERESTED_IN]-(p:Person)-[:INTERESTED_IN]->(j:Interest)
  WHERE p.id STARTS WITH $scope AND i.name < j.name AND j IN ins
  WITH i, j, count(p) AS persons WHERE persons >= $min_persons
  RETURN collect([i, j]) AS pairs
}
WITH ins, range(0, size(ins) - 1) AS idx, pairs
WITH ins, idx, [e IN pairs | [[k IN idx WHERE ins[k] = e[0]][0], [k IN idx WHERE ins[k] = e[1]][0]]] AS links
WITH ins, idx, [k IN idx | [e IN links WHERE e[0] = k | e[1]] + [e IN links WHERE e[1] = k | e[0]]] AS nbrs
WITH ins, idx, reduce(label = idx, r IN range(1, $rounds) |
  [k IN idx | reduce(m = label[k], j IN nbrs[k] | CASE WHEN label[j] < m THEN label[j] ELSE m END)]) AS labels
UNWIND idx AS k
WITH labels[k] AS label, ins[k].name AS name ORDER BY name
WITH label, min(name) AS community, collect(name) AS interests
RETURN community, size(interests) AS size, interests
ORDER BY size DESC, community
