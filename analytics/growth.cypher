// Growth over time: registrations and new follows per period, the most recent period last.
// A follow counts in the period it was made and only while it still exists; periods with neither are left out.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param bucket int 7 1..366 days per period (7 = weeks)
// @param periods int 12 1..520 how many periods back from today
// @cost One pass over the scoped persons and their outgoing FOLLOWS edges.
CALL {
  MATCH (p:Person) WHERE p.id STARTS WITH $scope AND p.registeredAt IS NOT NULL
  WITH duration.inDays(date(p.registeredAt), date()).days AS age WHERE age >= 0
  RETURN age / $bucket AS k, 1 AS registrations, 0 AS follows
  UNION ALL
  MATCH (p:Person)-[f:FOLLOWS]->() WHERE p.id STARTS WITH $scope AND f.since IS NOT NULL
  WITH duration.inDays(date(f.since), date()).days AS age WHERE age >= 0
  RETURN age / $bucket AS k, 0 AS registrations, 1 AS follows
}
WITH k, sum(registrations) AS registrations, sum(follows) AS follows
WHERE k < $periods
RETURN date() - duration({days: k * $bucket + $bucket - 1}) AS from, date() - duration({days: k * $bucket}) AS to, registrations, follows
ORDER BY from
