package neo4jstore

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/store"
)

// transferMap projects a Transfer node t with its two ends; a party who
// deleted their account is named by the id the deletion left on it.
const transferMap = `t {.id, .kind, .amount, .memo, .at,
  from: coalesce(head([(f:Person)-[:SENT]->(t) | f.id]), t.fromId),
  to: coalesce(head([(t)-[:RECEIVED_BY]->(r:Person) | r.id]), t.toId)}`

// toTransfer maps a transfer record. A grant has no sender and a transfer
// may have no memo; the rest is always written with the record.
func toTransfer(v any) (store.Transfer, error) {
	m, err := asRow(v, "transfer")
	if err != nil {
		return store.Transfer{}, err
	}
	f := &fields{src: m, what: "transfer"}
	t := store.Transfer{
		ID:     req[string](f, "id"),
		Kind:   req[string](f, "kind"),
		From:   opt[string](f, "from"),
		To:     req[string](f, "to"),
		Amount: req[int64](f, "amount"),
		Memo:   opt[string](f, "memo"),
		At:     optTime(f, "at"),
	}
	return t, f.err
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
	f := &fields{src: recs[0], what: "page of transfers"}
	res.TotalCount = count(f, "total")
	page := list[any](f, "page")
	if f.err != nil {
		return store.TransferPage{}, f.err
	}
	for _, v := range page {
		if len(res.Transfers) == pg.First {
			res.HasNext = true
			break
		}
		t, err := toTransfer(v)
		if err != nil {
			return store.TransferPage{}, err
		}
		res.Transfers = append(res.Transfers, t)
	}
	return res, nil
}

// Ledger implements store.Reader. It is one read; under concurrent
// transfers its sums may straddle a commit on a busy system (Neo4j reads
// are read-committed), which the admin summary accepts.
func (s *Store) Ledger(ctx context.Context) (store.Ledger, error) {
	recs, err := s.read(ctx, `CALL { MATCH (p:Person) RETURN sum(coalesce(p.balance, 0)) AS balances, count(p.name) AS accounts }
CALL { MATCH (g:Transfer {kind: 'GRANT'}) RETURN sum(g.amount) AS minted }
CALL { MATCH (b:Transfer {kind: 'BURN'}) RETURN sum(b.amount) AS burned }
CALL { MATCH (t:Transfer {kind: 'TRANSFER'}) RETURN count(t) AS transfers }
RETURN balances, accounts, minted - burned AS supply, transfers`, nil)
	if err != nil || len(recs) == 0 {
		return store.Ledger{}, err
	}
	f := &fields{src: recs[0], what: "ledger"}
	l := store.Ledger{
		BalanceSum:  req[int64](f, "balances"),
		TotalSupply: req[int64](f, "supply"),
		Accounts:    count(f, "accounts"),
		Transfers:   count(f, "transfers"),
	}
	if f.err != nil {
		return store.Ledger{}, f.err
	}
	return l, nil
}
