package storetest

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// testProjectionConverges replays one history into the store twice, once in
// order and once with the subjects' streams interleaved the other way round
// (as two partitions may deliver them), each into fresh ids, and compares.
func testProjectionConverges(t *testing.T, s store.GraphStore) {
	live, replay := history(t), map[string]string{}
	a, b := live.ids[0], live.ids[1]
	// Same history with fresh ids for the second run.
	for _, id := range live.ids {
		replay[id] = domain.NewID()
	}
	second := live.remap(t, replay, live.interest+" x")
	if err := s.ApplyEvents(ctx(t), live.events); err != nil {
		t.Fatal(err)
	}
	// Interleave: all of b's events first, then a's; within a subject the
	// order is kept, as Kafka keeps it within a partition.
	var bs, as []domain.Event
	for _, ev := range second.events {
		if ev.Subject == replay[b] {
			bs = append(bs, ev)
		} else {
			as = append(as, ev)
		}
	}
	for _, ev := range append(bs, as...) {
		if err := s.ApplyEvents(ctx(t), []domain.Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	// Replaying again changes nothing.
	if err := s.ApplyEvents(ctx(t), second.events); err != nil {
		t.Fatal(err)
	}
	s1, err := s.Snapshot(ctx(t), []string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := s.Snapshot(ctx(t), []string{replay[a], replay[b]})
	if err != nil {
		t.Fatal(err)
	}
	if want := live.expected(t); !reflect.DeepEqual(utc(s1), want) {
		t.Fatalf("snapshot of live history:\n got  %+v\n want %+v", utc(s1), want)
	}
	if !reflect.DeepEqual(canon(s1, nil, live.interest), canon(s2, invert(replay), second.interest)) {
		t.Fatalf("interleaved replay differs:\n%+v\n%+v", s1, s2)
	}
}

type hist struct {
	ids      []string
	interest string
	events   []domain.Event
}

func history(t *testing.T) hist {
	a, b := domain.NewID(), domain.NewID()
	interest := "rust " + testsupport.Letters()
	base := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	mk := func(i int, typ domain.EventType, subject string, data any) domain.Event {
		cmd := domain.Command{ID: domain.NewID(), Actor: subject}
		ev, err := domain.NewEventForTest(cmd, typ, base.Add(time.Duration(i)*time.Second), data)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	return hist{ids: []string{a, b}, interest: interest, events: []domain.Event{
		mk(0, domain.EvPersonRegistered, a, domain.PersonRegisteredData{PersonID: a, Name: "A", Email: "a@example.com"}),
		mk(1, domain.EvFollowed, a, domain.FollowData{FollowerID: a, FolloweeID: b}),
		mk(2, domain.EvInterestAdded, a, domain.InterestData{PersonID: a, Interest: interest}),
		mk(3, domain.EvPersonRegistered, b, domain.PersonRegisteredData{PersonID: b, Name: "B", Email: "b@example.com"}),
		mk(4, domain.EvFollowed, b, domain.FollowData{FollowerID: b, FolloweeID: a}),
		mk(5, domain.EvUnfollowed, b, domain.FollowData{FollowerID: b, FolloweeID: a}),
		mk(6, domain.EvInterestAdded, b, domain.InterestData{PersonID: b, Interest: interest}),
		mk(7, domain.EvFollowed, b, domain.FollowData{FollowerID: b, FolloweeID: a}),
		mk(8, domain.EvCoinsGranted, a, domain.CoinsGrantedData{TransferID: domain.NewID(), PersonID: a, Amount: 100, Reason: domain.GrantWelcome}),
		mk(9, domain.EvCoinsGranted, b, domain.CoinsGrantedData{TransferID: domain.NewID(), PersonID: b, Amount: 100, Reason: domain.GrantWelcome}),
		// b spends what a sends it: in the b-first interleaving b goes below
		// zero for a while, which a replay must allow (the facts happened).
		mk(10, domain.EvCoinsTransferred, a, domain.CoinsTransferredData{TransferID: domain.NewID(), From: a, To: b, Amount: 60, Memo: "m"}),
		mk(11, domain.EvCoinsTransferred, b, domain.CoinsTransferredData{TransferID: domain.NewID(), From: b, To: a, Amount: 150}),
	}}
}

func (h hist) remap(t *testing.T, ids map[string]string, interest string) hist {
	out := hist{interest: interest}
	for _, ev := range h.events {
		ev.Subject = ids[ev.Subject]
		ev.ID = domain.NewID()
		switch ev.Type {
		case domain.EvPersonRegistered:
			var d domain.PersonRegisteredData
			_ = ev.DecodeData(&d)
			d.PersonID = ids[d.PersonID]
			ev.Data = mustJSON(t, d)
		case domain.EvInterestAdded:
			ev.Data = mustJSON(t, domain.InterestData{PersonID: ev.Subject, Interest: interest})
		case domain.EvFollowed, domain.EvUnfollowed:
			var d domain.FollowData
			_ = ev.DecodeData(&d)
			ev.Data = mustJSON(t, domain.FollowData{FollowerID: ids[d.FollowerID], FolloweeID: ids[d.FolloweeID]})
		case domain.EvCoinsGranted:
			var d domain.CoinsGrantedData
			_ = ev.DecodeData(&d)
			d.TransferID, d.PersonID = domain.NewID(), ids[d.PersonID]
			ev.Data = mustJSON(t, d)
		case domain.EvCoinsTransferred:
			var d domain.CoinsTransferredData
			_ = ev.DecodeData(&d)
			d.TransferID, d.From, d.To = domain.NewID(), ids[d.From], ids[d.To]
			ev.Data = mustJSON(t, d)
		}
		out.events = append(out.events, ev)
	}
	return out
}

func invert(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[v] = k
	}
	return out
}

// canon maps ids back and replaces the interest name so that two runs of
// the same history compare equal.
func canon(s store.Snapshot, ids map[string]string, interest string) store.Snapshot {
	m := func(id string) string {
		if ids == nil {
			return id
		}
		return ids[id]
	}
	var out store.Snapshot
	for _, p := range s.Persons {
		p.ID = m(p.ID)
		var fs, is []store.SnapshotEdge
		for _, e := range p.Follows {
			fs = append(fs, store.SnapshotEdge{To: m(e.To), Since: e.Since})
		}
		for _, e := range p.Interests {
			if e.To == interest {
				e.To = "<interest>"
			}
			is = append(is, e)
		}
		p.Follows, p.Interests = fs, is
		var ledger []store.Transfer
		for _, r := range p.Ledger {
			r.ID = "" // record ids differ between the two histories
			if r.From != "" {
				r.From = m(r.From)
			}
			r.To = m(r.To)
			ledger = append(ledger, r)
		}
		sort.Slice(ledger, func(i, j int) bool { return ledger[i].At.Before(ledger[j].At) })
		p.Ledger = ledger
		out.Persons = append(out.Persons, p)
	}
	if len(out.Persons) == 2 && out.Persons[0].ID > out.Persons[1].ID {
		out.Persons[0], out.Persons[1] = out.Persons[1], out.Persons[0]
	}
	return out
}
