// Ledger consistency check: minted coins equal the sum of balances, and each balance its transfers.
// The coins minted (grants) less the coins burned (the balances of deleted accounts) must equal
// the sum of balances, and every balance must equal what its owner received minus what they sent.
// Prints the supply row, then only the persons whose balance is off (none when the ledger is
// consistent). With a scope, the supply row counts the grants of the scope's persons and no burns,
// and holds only if no coins crossed the scope's border.
// @param scope string "" 0..200 only persons whose id starts with this prefix ("" = the whole graph)
// @param limit int 100 1..1000 how many inconsistent persons to print
// @cost One pass over the scoped persons, each reading its own transfer records.
CALL {
  MATCH (p:Person) WHERE p.id STARTS WITH $scope
  WITH sum(coalesce(p.balance, 0)) AS balances
  CALL () {
    MATCH (g:Transfer {kind: 'GRANT'})
    WHERE $scope = '' OR EXISTS { (g)-[:RECEIVED_BY]->(p:Person) WHERE p.id STARTS WITH $scope }
    RETURN sum(g.amount) AS granted
  }
  CALL () {
    OPTIONAL MATCH (b:Transfer {kind: 'BURN'}) WHERE $scope = ''
    RETURN coalesce(sum(b.amount), 0) AS burned
  }
  WITH balances, granted - burned AS supply
  RETURN 'supply = sum of balances' AS check, null AS id, supply AS expected, balances AS actual
  UNION ALL
  MATCH (p:Person) WHERE p.id STARTS WITH $scope
  CALL (p) { OPTIONAL MATCH (t:Transfer)-[:RECEIVED_BY]->(p) RETURN coalesce(sum(t.amount), 0) AS received }
  CALL (p) { OPTIONAL MATCH (p)-[:SENT]->(t:Transfer) RETURN coalesce(sum(t.amount), 0) AS sent }
  WITH p, received - sent AS expected, coalesce(p.balance, 0) AS actual
  WHERE expected <> actual
  WITH p, expected, actual ORDER BY p.id LIMIT $limit
  RETURN 'balance = received - sent' AS check, p.id AS id, expected, actual
}
RETURN check, id, expected, actual, expected = actual AS ok
ORDER BY check DESC, id
