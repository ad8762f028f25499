// Fastest-growing persons: who gained the most followers in the last days.
// growth = gained / followers before the window (or / 1 when they had none).
// Followers who unfollowed in the window are not seen: the graph keeps current edges only.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param days int 30 1..36500 the window, counted back from now
// @param limit int 10 1..1000 how many persons
// @cost One pass over the scoped persons and their incoming FOLLOWS edges (the since property is read on each).
MATCH (p:Person) WHERE p.id STARTS WITH $scope
WITH p, datetime() - duration({days: $days}) AS windowStart
WITH p, COUNT { (p)<-[f:FOLLOWS]-() WHERE f.since >= windowStart } AS gained, COUNT { (p)<-[:FOLLOWS]-() } AS followers
WHERE gained > 0
RETURN p.id AS id, p.name AS name, gained, followers,
  round(toFloat(gained) / CASE WHEN followers = gained THEN 1 ELSE followers - gained END, 4) AS growth
ORDER BY gained DESC, growth DESC, id
LIMIT $limit
