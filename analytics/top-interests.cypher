// Most-held interests: how many persons hold each interest.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param limit int 10 1..1000 how many interests
// @cost One pass over the INTERESTED_IN edges of scoped persons; a top-k sort.
MATCH (p:Person)-[:INTERESTED_IN]->(i:Interest)
WHERE p.id STARTS WITH $scope
RETURN i.name AS interest, count(p) AS persons
ORDER BY persons DESC, interest
LIMIT $limit
