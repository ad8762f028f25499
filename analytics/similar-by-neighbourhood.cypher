// Persons most similar to a person by whom they follow (Jaccard of the sets of persons followed).
// @param person string required 1..200 the person's id
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param limit int 10 1..1000 how many persons
// @cost Every follower of each person the person follows: following someone with millions of followers makes this that large.
MATCH (p:Person {id: $person})-[:FOLLOWS]->(n:Person)<-[:FOLLOWS]-(o:Person)
WHERE o <> p AND o.id STARTS WITH $scope
WITH p, o, count(DISTINCT n) AS shared
WITH o, shared, COUNT { (p)-[:FOLLOWS]->() } AS mine, COUNT { (o)-[:FOLLOWS]->() } AS theirs
RETURN o.id AS id, o.name AS name, shared, round(toFloat(shared) / (mine + theirs - shared), 4) AS jaccard
ORDER BY jaccard DESC, shared DESC, id
LIMIT $limit
