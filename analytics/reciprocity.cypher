// Reciprocity: the share of follows that are followed back.
// follows counts FOLLOWS edges, reciprocated those whose target follows back, mutual_pairs the pairs that follow each other.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @cost One pass over the FOLLOWS edges between scoped persons, with one existence check per edge.
MATCH (a:Person)-[:FOLLOWS]->(b:Person)
WHERE a.id STARTS WITH $scope AND b.id STARTS WITH $scope
WITH count(*) AS follows, sum(CASE WHEN EXISTS { (b)-[:FOLLOWS]->(a) } THEN 1 ELSE 0 END) AS reciprocated
RETURN follows, reciprocated, reciprocated / 2 AS mutual_pairs,
  CASE follows WHEN 0 THEN null ELSE round(toFloat(reciprocated) / follows, 4) END AS reciprocity
