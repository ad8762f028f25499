package neo4jstore

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// transferMap projects a Transfer node t with its two ends.
const transferMap = `t {.id, .kind, .amount, .memo, .at,
  from: head([(f:Person)-[:SENT]->(t) | f.id]), to: head([(t)-[:RECEIVED_BY]->(r:Person) | r.id])}`

func toTransfer(v any) store.Transfer {
	m, _ := v.(map[string]any)
	var t store.Transfer
	t.ID, _ = m["id"].(string)
	t.Kind, _ = m["kind"].(string)
	t.From, _ = m["from"].(string)
	t.To, _ = m["to"].(string)
	t.Amount, _ = m["amount"].(int64)
	t.Memo, _ = m["memo"].(string)
	if at, ok := m["at"].(time.Time); ok {
		t.At = at.UTC()
	}
	return t
}

// Transfers implements store.Reader.
func (s *Store) Transfers(ctx context.Context, id string, pg store.Page) (store.TransferPage, error) {
	recs, err := s.read(ctx, `MATCH (p:Person {id: $id}) WHERE p.name IS NOT NULL
CALL {
  WITH p MATCH (p)-[:SENT]->(t:Transfer) RETURN t
  UNION
  WITH p MATCH (t:Transfer)-[:RECEIVED_BY]->(p) RETURN t
}
WITH t ORDER BY t.id DESC
WITH collect(t) AS records
RETURN size(records) AS total, [t IN [x IN records WHERE $after = '' OR x.id < $after][0..$limit] | `+transferMap+`] AS page`,
		map[string]any{"id": id, "after": pg.After, "limit": pg.First + 1})
	res := store.TransferPage{Transfers: []store.Transfer{}}
	if err != nil || len(recs) == 0 {
		return res, err
	}
	total, _ := recs[0].Get("total")
	page, _ := recs[0].Get("page")
	res.TotalCount = toInt(total)
	for _, v := range page.([]any) {
		if len(res.Transfers) == pg.First {
			res.HasNext = true
			break
		}
		res.Transfers = append(res.Transfers, toTransfer(v))
	}
	return res, nil
}

// Ledger implements store.Reader. It is one read; under concurrent
// transfers its sums may straddle a commit on a busy system (Neo4j reads
// are read-committed), which the admin summary accepts.
func (s *Store) Ledger(ctx context.Context) (store.Ledger, error) {
	recs, err := s.read(ctx, `CALL { MATCH (p:Person) RETURN sum(coalesce(p.balance, 0)) AS balances, count(p.name) AS accounts }
CALL { MATCH (g:Transfer {kind: 'GRANT'}) RETURN sum(g.amount) AS supply }
CALL { MATCH (t:Transfer {kind: 'TRANSFER'}) RETURN count(t) AS transfers }
RETURN balances, accounts, supply, transfers`, nil)
	if err != nil || len(recs) == 0 {
		return store.Ledger{}, err
	}
	m := recs[0].AsMap()
	var l store.Ledger
	l.BalanceSum, _ = m["balances"].(int64)
	l.TotalSupply, _ = m["supply"].(int64)
	l.Accounts = toInt(m["accounts"])
	l.Transfers = toInt(m["transfers"])
	return l, nil
}
