// Triangles and local clustering of a person, with follows taken as undirected ties.
// neighbours: persons tied to them either way; triangles: pairs of neighbours tied to each other;
// clustering: triangles / possible pairs (null below two neighbours).
// @param person string required 1..200 the person's id
// @param max_neighbours int 1000 2..10000 only this many neighbours are considered (capped says whether it bit)
// @cost The person's neighbours (up to max_neighbours) and each neighbour's ties: about neighbours × their degree, with a list membership check of up to max_neighbours each.
MATCH (p:Person {id: $person})
CALL (p) {
  MATCH (p)-[:FOLLOWS]-(n:Person) WHERE n <> p
  WITH DISTINCT n ORDER BY n.id LIMIT $max_neighbours + 1
  RETURN collect(n) AS found
}
WITH p, found[..$max_neighbours] AS ns, size(found) > $max_neighbours AS capped
CALL (ns) {
  UNWIND ns AS x
  MATCH (x)-[:FOLLOWS]-(y:Person)
  WHERE x.id < y.id AND y IN ns
  RETURN count(DISTINCT [x.id, y.id]) AS triangles
}
WITH p, size(ns) AS k, triangles, capped
RETURN p.id AS id, p.name AS name, k AS neighbours, triangles,
  CASE WHEN k < 2 THEN null ELSE round(2.0 * triangles / (k * (k - 1)), 4) END AS clustering, capped
