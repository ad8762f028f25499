// Degree distribution: how many persons follow (out) and are followed by (in) how many others.
// One row per direction and degree; persons with no edges count at degree 0.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param max_degree int 1000 1..1000000 degrees above this are counted in the max_degree row
// @cost One pass over the scoped persons; each degree is read from the node's relationship counts, not by walking the edges.
MATCH (p:Person) WHERE p.id STARTS WITH $scope
WITH COUNT { (p)-[:FOLLOWS]->() } AS outDegree, COUNT { (p)<-[:FOLLOWS]-() } AS inDegree
UNWIND [['out', outDegree], ['in', inDegree]] AS d
WITH d[0] AS direction, CASE WHEN d[1] > $max_degree THEN $max_degree ELSE d[1] END AS degree
RETURN direction, degree, count(*) AS persons
ORDER BY direction, degree
