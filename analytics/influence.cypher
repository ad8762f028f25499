// Influence ranking: PageRank over FOLLOWS (a follow passes influence to the person followed).
// Runs with Neo4j Graph Data Science when the plugin is installed (influence.gds), otherwise as this
// bounded power iteration in Cypher; the method column says which ran. Persons without follows spread
// their rank evenly (dangling mass), so ranks sum to 1 over the persons considered.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param max_persons int 1000 1..5000 only this many persons (in id order) are ranked, with the follows among them
// @param iterations int 20 1..100 power iterations
// @param damping float 0.85 0..1 the damping factor
// @param limit int 20 1..1000 how many persons to print
// @cost Building the adjacency looks each follower up in the list of persons: follows × max_persons steps (1,000 persons with 10,000 follows: 10 million, seconds); then iterations × (persons + follows).
MATCH (p:Person) WHERE p.id STARTS WITH $scope
WITH p ORDER BY p.id LIMIT $max_persons
WITH collect(p) AS ps
WITH ps, size(ps) AS n, range(0, size(ps) - 1) AS idx
CALL (ps, idx) {
  UNWIND idx AS k
  WITH ps, idx, k, ps[k] AS v
  RETURN collect([
    COUNT { (v)-[:FOLLOWS]->(o:Person) WHERE o IN ps },
    [(u:Person)-[:FOLLOWS]->(v) WHERE u IN ps | [i IN idx WHERE ps[i] = u][0]]
  ]) AS adj
}
WITH ps, n, idx, [a IN adj | a[0]] AS outs, [a IN adj | a[1]] AS ins
WITH ps, n, idx, outs, ins, [k IN idx WHERE outs[k] = 0] AS dangling
WITH ps, idx, reduce(r = [k IN idx | 1.0 / n], it IN range(1, $iterations) |
  [dm IN [reduce(s = 0.0, j IN dangling | s + r[j]) / n] |
    [k IN idx | (1 - $damping) / n + $damping * (dm + reduce(s = 0.0, u IN ins[k] | s + r[u] / outs[u]))]][0]) AS ranks
UNWIND idx AS k
RETURN ps[k].id AS id, ps[k].name AS name, round(ranks[k], 6) AS rank, 'cypher-power-iteration' AS method
ORDER BY rank DESC, id
LIMIT $limit
