// Coin flows: the top senders and the top receivers of transfers between persons (grants are not counted).
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param days int 0 0..36500 only transfers of the last days (0 = all time)
// @param limit int 10 1..1000 how many persons per direction
// @cost One pass over the transfer records (there is no index on kind or at), then top-k sorts.
CALL {
  MATCH (p:Person)-[:SENT]->(t:Transfer {kind: 'TRANSFER'})
  WHERE p.id STARTS WITH $scope AND ($days = 0 OR t.at >= datetime() - duration({days: $days}))
  WITH p, sum(t.amount) AS coins, count(t) AS transfers
  ORDER BY coins DESC, p.id LIMIT $limit
  RETURN 'sent' AS direction, p, coins, transfers
  UNION ALL
  MATCH (t:Transfer {kind: 'TRANSFER'})-[:RECEIVED_BY]->(p:Person)
  WHERE p.id STARTS WITH $scope AND ($days = 0 OR t.at >= datetime() - duration({days: $days}))
  WITH p, sum(t.amount) AS coins, count(t) AS transfers
  ORDER BY coins DESC, p.id LIMIT $limit
  RETURN 'received' AS direction, p, coins, transfers
}
RETURN direction, p.id AS id, p.name AS name, coins, transfers
ORDER BY direction DESC, coins DESC, id
