package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// testPlannedRead: a plan three lists deep reads what the one-level
// methods read, level by level; an unknown person reads nil.
func testPlannedRead(t *testing.T, s store.GraphStore) {
	hub, a, b, c := register(t, s, "Hub"), register(t, s, "Ann"), register(t, s, "Bob"), register(t, s, "Cal")
	topic := "plan " + testsupport.Letters() + " "
	bio := "plans read me"
	exec(t, s, domain.CmdUpdateProfile, hub, domain.ProfilePayload{Bio: &bio}) // a profile to read or skip
	exec(t, s, domain.CmdUpdateProfile, a, domain.ProfilePayload{Bio: &bio})
	for _, e := range [][2]string{{a, hub}, {b, hub}, {c, hub}, {hub, a}, {hub, b}, {a, b}, {b, c}, {c, a}} {
		exec(t, s, domain.CmdFollow, e[0], domain.FollowPayload{PersonID: e[1]})
	}
	for _, e := range [][2]string{{hub, "x"}, {hub, "y"}, {a, "y"}, {b, "y"}, {b, "z"}, {c, "x"}} {
		exec(t, s, domain.CmdAddInterest, e[0], domain.InterestPayload{Interest: topic + e[1]})
	}
	leaf := store.PersonPlan{Counts: true, SkipProfile: true, Interests: []store.InterestsPlan{{Order: store.InterestsByName, First: 10, Counts: true}}}
	mid := store.PersonPlan{SkipProfile: true, Interests: []store.InterestsPlan{{Order: store.InterestsByPopularity, First: 1}},
		Lists: []store.ListPlan{{Kind: store.FollowingList, Page: store.Page{First: 5, Order: store.ByOldest}, Member: leaf},
			{Kind: store.FollowersList, Page: store.Page{First: 1, Order: store.ByName, SkipTotal: true}, Member: leaf}}}
	plan := store.PersonPlan{Counts: true,
		Interests: []store.InterestsPlan{{Order: store.InterestsByPopularity, First: 2}, {Order: store.InterestsByName, First: 1000}},
		Lists: []store.ListPlan{{Kind: store.FollowersList, Page: store.Page{First: 2, Order: store.ByNewest}, Member: mid},
			{Kind: store.FollowingList, Page: store.Page{First: 1, After: a, AfterKey: "Ann", Order: store.ByName}, Member: store.PersonPlan{}},
			{Kind: store.FollowersList, Page: store.Page{First: 10}, Member: store.PersonPlan{}}}}
	got, err := s.ReadPerson(ctx(t), hub, plan)
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedRead(t, s, hub, plan); got == nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("planned read:\n got %+v\nwant %+v", got, want)
	}
	if got, err := s.ReadPerson(ctx(t), domain.NewID(), plan); err != nil || got != nil {
		t.Errorf("unknown person: %+v, %v", got, err)
	}

	// Without cursors (nor a next page) the lists read the same members,
	// with "" keys: first and later pages, each order, at every level.
	noCursors(&plan)
	got, err = s.ReadPerson(ctx(t), hub, plan)
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedRead(t, s, hub, plan); got == nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("planned read without cursors:\n got %+v\nwant %+v", got, want)
	}
}

// noCursors sets NoCursors on every list of plan, at every level.
func noCursors(plan *store.PersonPlan) {
	for i := range plan.Lists {
		plan.Lists[i].NoCursors = true
		noCursors(&plan.Lists[i].Member)
	}
}

// expectedRead reads plan with the one-level methods.
func expectedRead(t *testing.T, s store.GraphStore, id string, plan store.PersonPlan) store.PersonRead {
	t.Helper()
	persons, err := s.PersonsByIDs(ctx(t), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	r := store.PersonRead{Person: persons[id]}
	if !plan.Counts {
		r.Person.FollowerCount, r.Person.FollowingCount = 0, 0
	}
	if plan.SkipProfile {
		if r.Person.Email == "" || r.Person.RegisteredAt.IsZero() {
			t.Fatalf("%s has no profile to skip: the check proves nothing", id)
		}
		r.Person.Email, r.Person.RegisteredAt, r.Person.Balance, r.Person.Bio = "", time.Time{}, 0, ""
	}
	for _, ip := range plan.Interests {
		m, err := s.RankedInterestsOf(ctx(t), []string{id}, ip.Order, ip.First)
		if err != nil {
			t.Fatal(err)
		}
		list := m[id]
		for i := range list {
			if ip.Counts && ip.Order == store.InterestsByName {
				counts, _ := s.InterestsByNames(ctx(t), []string{list[i].Name})
				list[i].PersonCount = counts[list[i].Name].PersonCount
			}
		}
		r.Interests = append(r.Interests, list)
	}
	for _, lp := range plan.Lists {
		read := s.Followers
		if lp.Kind == store.FollowingList {
			read = s.Following
		}
		pages, err := read(ctx(t), []string{id}, lp.Page)
		if err != nil {
			t.Fatal(err)
		}
		lr := store.ListRead{Page: pages[id], Members: []store.PersonRead{}}
		if lp.NoCursors {
			lr.Page.HasNext = false
			for i := range lr.Page.Keys {
				lr.Page.Keys[i] = ""
			}
		}
		for i, p := range lr.Page.Persons {
			sub := expectedRead(t, s, p.ID, lp.Member)
			lr.Page.Persons[i] = sub.Person
			lr.Members = append(lr.Members, sub)
		}
		r.Lists = append(r.Lists, lr)
	}
	return r
}
