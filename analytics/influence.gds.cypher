// Influence ranking with Neo4j Graph Data Science: gds.pageRank over FOLLOWS on an in-memory projection
// that is dropped at once. Run instead of influence when the plugin is installed.
// @requires gds
// @variant-of influence
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param max_persons int 1000 1..5000 only this many persons (in id order) are ranked, with the follows among them
// @param iterations int 20 1..100 power iterations
// @param damping float 0.85 0..1 the damping factor
// @param limit int 20 1..1000 how many persons to print
// @cost One pass over the scoped persons and their follows to project them; PageRank itself runs in GDS's memory, in parallel.
MATCH (s:Person) WHERE s.id STARTS WITH $scope
WITH s ORDER BY s.id LIMIT $max_persons
WITH collect(s) AS ps
UNWIND ps AS s
OPTIONAL MATCH (s)-[:FOLLOWS]->(t:Person) WHERE t IN ps
WITH gds.graph.project($run, s, t) AS g
RETURN g.graphName AS graph
;
CALL gds.pageRank.stream($run, {maxIterations: $iterations, dampingFactor: $damping})
YIELD nodeId, score
WITH collect({node: nodeId, score: score}) AS scores
CALL gds.graph.drop($run, false) YIELD graphName
UNWIND scores AS s
WITH gds.util.asNode(s.node) AS p, s.score AS score
RETURN p.id AS id, p.name AS name, round(score, 6) AS rank, 'gds-pagerank' AS method
ORDER BY rank DESC, id
LIMIT $limit
