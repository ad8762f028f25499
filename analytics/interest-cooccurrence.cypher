// Interest co-occurrence: pairs of interests held by the same persons, most shared first.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param min_persons int 1 1..1000000 leave out pairs held together by fewer persons
// @param limit int 20 1..1000 how many pairs
// @cost For each scoped person, every pair of their interests: the sum over persons of (interests squared) / 2.
MATCH (p:Person)-[:INTERESTED_IN]->(i:Interest), (p)-[:INTERESTED_IN]->(j:Interest)
WHERE p.id STARTS WITH $scope AND i.name < j.name
WITH i, j, count(p) AS persons
WHERE persons >= $min_persons
RETURN i.name AS interest, j.name AS other, persons
ORDER BY persons DESC, interest, other
LIMIT $limit
