// Persons most similar to a person by shared interests (Jaccard: shared / interests of either).
// @param person string required 1..200 the person's id
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param limit int 10 1..1000 how many persons
// @cost Every holder of each of the person's interests: a very popular interest makes this as large as its holders.
MATCH (p:Person {id: $person})-[:INTERESTED_IN]->(i:Interest)<-[:INTERESTED_IN]-(o:Person)
WHERE o <> p AND o.id STARTS WITH $scope
WITH p, o, count(i) AS shared
WITH o, shared, COUNT { (p)-[:INTERESTED_IN]->() } AS mine, COUNT { (o)-[:INTERESTED_IN]->() } AS theirs
RETURN o.id AS id, o.name AS name, shared, round(toFloat(shared) / (mine + theirs - shared), 4) AS jaccard
ORDER BY jaccard DESC, shared DESC, id
LIMIT $limit
