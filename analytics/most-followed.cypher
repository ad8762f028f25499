// Most-followed persons: who has the most followers.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param limit int 10 1..1000 how many persons
// @cost One pass over the scoped persons, reading each one's follower count from its relationship counts; a top-k sort.
MATCH (p:Person) WHERE p.id STARTS WITH $scope
WITH p, COUNT { (p)<-[:FOLLOWS]-() } AS followers
WHERE followers > 0
RETURN p.id AS id, p.name AS name, followers
ORDER BY followers DESC, id
LIMIT $limit
