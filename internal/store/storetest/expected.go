package storetest

import (
	"sort"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// expected states, independently of any store, the end state of history():
// a follows b since event 1 and likes the interest since event 2; b's
// follow of a is the one of event 7 (event 4's was undone by event 5); a
// ends with 100 - 60 + 150 = 190 coins and b with 100 + 60 - 150 = 10.
func (h hist) expected(t *testing.T) store.Snapshot {
	t.Helper()
	a, b := h.ids[0], h.ids[1]
	at := func(i int) time.Time { return h.events[i].At.UTC() }
	record := func(i int) store.Transfer {
		ev := h.events[i]
		switch ev.Type {
		case domain.EvCoinsGranted:
			var d domain.CoinsGrantedData
			if err := ev.DecodeData(&d); err != nil {
				t.Fatal(err)
			}
			return store.Transfer{ID: d.TransferID, Kind: domain.GrantKind, To: d.PersonID, Amount: d.Amount, At: at(i)}
		default:
			var d domain.CoinsTransferredData
			if err := ev.DecodeData(&d); err != nil {
				t.Fatal(err)
			}
			return store.Transfer{ID: d.TransferID, Kind: domain.TransferKind, From: d.From, To: d.To, Amount: d.Amount, Memo: d.Memo, At: at(i)}
		}
	}
	pa := store.SnapshotPerson{ID: a, Name: "A", Email: "a@example.com", RegisteredAt: at(0),
		Interests: []store.SnapshotEdge{{To: h.interest, Since: at(2)}},
		Follows:   []store.SnapshotEdge{{To: b, Since: at(1)}},
		Balance:   190, Ledger: []store.Transfer{record(8), record(10)}}
	pb := store.SnapshotPerson{ID: b, Name: "B", Email: "b@example.com", RegisteredAt: at(3),
		Interests: []store.SnapshotEdge{{To: h.interest, Since: at(6)}},
		Follows:   []store.SnapshotEdge{{To: a, Since: at(7)}},
		Balance:   10, Ledger: []store.Transfer{record(9), record(11)}}
	out := store.Snapshot{Persons: []store.SnapshotPerson{pa, pb}}
	return utc(out)
}

// utc puts every time of s in UTC and the persons and ledgers in a fixed
// order, so that snapshots compare with reflect.DeepEqual.
func utc(s store.Snapshot) store.Snapshot {
	var out store.Snapshot
	for _, p := range s.Persons {
		p.RegisteredAt = p.RegisteredAt.UTC()
		p.Interests = utcEdges(p.Interests)
		p.Follows = utcEdges(p.Follows)
		ledger := make([]store.Transfer, 0, len(p.Ledger))
		for _, r := range p.Ledger {
			r.At = r.At.UTC()
			ledger = append(ledger, r)
		}
		sort.Slice(ledger, func(i, j int) bool { return ledger[i].At.Before(ledger[j].At) })
		p.Ledger = ledger
		out.Persons = append(out.Persons, p)
	}
	sort.Slice(out.Persons, func(i, j int) bool { return out.Persons[i].ID < out.Persons[j].ID })
	return out
}

func utcEdges(es []store.SnapshotEdge) []store.SnapshotEdge {
	out := make([]store.SnapshotEdge, 0, len(es))
	for _, e := range es {
		out = append(out, store.SnapshotEdge{To: e.To, Since: e.Since.UTC()})
	}
	return out
}
