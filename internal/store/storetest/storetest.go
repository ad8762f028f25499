// Package storetest is the contract suite every store.GraphStore passes. It is a
// normal (non-test) package so that each implementation's tests run it.
// Tests use fresh ids and random interest names, so they may share one
// database with each other and with earlier runs.
package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// Stores are a graph store and the identity store its deletions erase
// from.
type Stores struct {
	Graph    store.GraphStore
	Identity store.IdentityStore
}

// Factory returns the stores for one test; the test does not close them.
type Factory func(t *testing.T) Stores

// RunGraph runs the graph store's contract against stores from newStores.
func RunGraph(t *testing.T, newStores Factory) {
	tests := map[string]func(*testing.T, store.GraphStore){
		"RegisterAndRead":          testRegisterAndRead,
		"RedeliveryChangesNothing": testRedelivery,
		"FollowRules":              testFollowRules,
		"Interests":                testInterests,
		"Pagination":               testPagination,
		"Recommend":                testRecommend,
		"ProjectionConverges":      testProjectionConverges,
		"ProjectionRepeatedAdd":    testProjectionRepeatedAdd,
		"Coins":                    testCoins,
		"ConcurrentSpending":       testConcurrentSpending,
		"TransferAfterLostRecord":  testTransferAfterLostRecord,
		"PerPersonLimits":          testPerPersonLimits,
		"Following":                testFollowing,
		"EmptyAndReady":            testEmptyAndReady,
		"LedgerExact":              testLedgerExact,
		"Inbox":                    testInbox,
	}
	for name, fn := range socialTests {
		tests[name] = fn
	}
	for name, fn := range keyTests {
		tests[name] = fn
	}
	for name, fn := range pagingTests {
		tests[name] = fn
	}
	for name, fn := range batchTests {
		tests[name] = fn
	}
	for name, fn := range batchRunTests {
		tests[name] = fn
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, newStores(t).Graph)
		})
	}
	t.Run("DeleteAccount", func(t *testing.T) {
		t.Parallel()
		st := newStores(t)
		testDeleteAccount(t, st.Graph, st.Identity)
	})
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func exec(t *testing.T, s store.GraphStore, typ domain.CommandType, actor string, payload any) domain.Outcome {
	t.Helper()
	cmd, err := domain.NewCommand(typ, actor, payload, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, replayed, err := s.Execute(ctx(t), cmd, domain.Decide)
	if err != nil {
		t.Fatalf("execute %s: %v", typ, err)
	}
	if replayed {
		t.Fatalf("fresh command %s reported as replayed", typ)
	}
	return out
}

func register(t *testing.T, s store.GraphStore, name string) string {
	t.Helper()
	id := domain.NewID()
	out := exec(t, s, domain.CmdRegisterPerson, id, domain.RegisterPersonPayload{Name: name, Email: testsupport.Unique() + "@example.com"})
	if out.Status != domain.StatusApplied || len(out.Events) != 2 {
		t.Fatalf("register (PersonRegistered and the welcome grant): %+v", out.Status)
	}
	return id
}

func person(t *testing.T, s store.GraphStore, id string) store.Person {
	t.Helper()
	m, err := s.PersonsByIDs(ctx(t), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := m[id]
	if !ok {
		t.Fatalf("person %s not found", id)
	}
	return p
}

func testRegisterAndRead(t *testing.T, s store.GraphStore) {
	id := register(t, s, "Ada Lovelace")
	p := person(t, s, id)
	if p.Name != "Ada Lovelace" || p.Email == "" || p.RegisteredAt.IsZero() {
		t.Fatalf("person read back wrong: %+v", p)
	}
	m, err := s.PersonsByIDs(ctx(t), []string{domain.NewID()})
	if err != nil || len(m) != 0 {
		t.Fatalf("unknown id: %v %v", m, err)
	}
}

func testRedelivery(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	cmd, _ := domain.NewCommand(domain.CmdFollow, a, domain.FollowPayload{PersonID: b}, time.Now())
	first, replayed, err := s.Execute(ctx(t), cmd, domain.Decide)
	if err != nil || replayed || first.Status != domain.StatusApplied || len(first.Events) != 1 {
		t.Fatalf("first delivery: %+v %v %v", first, replayed, err)
	}
	rec, actor, found, err := s.CommandOutcome(ctx(t), cmd.ID)
	if err != nil || !found || actor != a || rec.Status != domain.StatusApplied || len(rec.Events) != 1 {
		t.Fatalf("recorded outcome: %+v actor=%s found=%v err=%v", rec, actor, found, err)
	}
	if _, _, found, _ := s.CommandOutcome(ctx(t), domain.NewID()); found {
		t.Fatal("outcome found for a command never sent")
	}
	second, replayed, err := s.Execute(ctx(t), cmd, domain.Decide)
	if err != nil || !replayed {
		t.Fatalf("second delivery not replayed: %v %v", replayed, err)
	}
	if second.Status != first.Status || len(second.Events) != 1 || second.Events[0].ID != first.Events[0].ID {
		t.Fatalf("replayed outcome differs: %+v vs %+v", second, first)
	}
	if got := person(t, s, b).FollowerCount; got != 1 {
		t.Fatalf("follower count after redelivery = %d, want 1", got)
	}
}

func testFollowRules(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	if out := exec(t, s, domain.CmdFollow, a, domain.FollowPayload{PersonID: domain.NewID()}); out.Status != domain.StatusRejected || out.Reason != domain.ReasonPersonNotFound {
		t.Fatalf("follow unknown: %+v", out)
	}
	if out := exec(t, s, domain.CmdFollow, a, domain.FollowPayload{PersonID: a}); out.Reason != domain.ReasonSelfFollow {
		t.Fatalf("follow self: %+v", out)
	}
	if out := exec(t, s, domain.CmdFollow, domain.NewID(), domain.FollowPayload{PersonID: b}); out.Reason != domain.ReasonActorNotFound {
		t.Fatalf("unknown actor: %+v", out)
	}
	exec(t, s, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
	dup := exec(t, s, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
	if dup.Status != domain.StatusApplied || len(dup.Events) != 0 {
		t.Fatalf("duplicate follow: %+v", dup)
	}
	if pa, pb := person(t, s, a), person(t, s, b); pa.FollowingCount != 1 || pb.FollowerCount != 1 || pb.FollowingCount != 0 {
		t.Fatalf("counts: a=%+v b=%+v", pa, pb)
	}
	pages, err := s.Followers(ctx(t), []string{b}, store.Page{First: 10})
	if err != nil || pages[b].TotalCount != 1 || len(pages[b].Persons) != 1 || pages[b].Persons[0].ID != a {
		t.Fatalf("followers of b: %+v %v", pages, err)
	}
	un := exec(t, s, domain.CmdUnfollow, a, domain.FollowPayload{PersonID: b})
	if un.Status != domain.StatusApplied || len(un.Events) != 1 || un.Events[0].Type != domain.EvUnfollowed {
		t.Fatalf("unfollow: %+v", un)
	}
	if pb := person(t, s, b); pb.FollowerCount != 0 {
		t.Fatalf("after unfollow: %+v", pb)
	}
}

func testInterests(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	name := "go " + testsupport.Letters()
	exec(t, s, domain.CmdAddInterest, a, domain.InterestPayload{Interest: name})
	exec(t, s, domain.CmdAddInterest, b, domain.InterestPayload{Interest: name})
	if out := exec(t, s, domain.CmdAddInterest, a, domain.InterestPayload{Interest: name}); len(out.Events) != 0 {
		t.Fatalf("second add produced events: %+v", out)
	}
	got, err := s.InterestsByNames(ctx(t), []string{name, "never " + testsupport.Letters()})
	if err != nil || len(got) != 1 || got[name].PersonCount != 2 {
		t.Fatalf("interest: %+v %v", got, err)
	}
	of, err := s.InterestsOf(ctx(t), []string{a})
	if err != nil || !reflect.DeepEqual(of[a], []string{name}) {
		t.Fatalf("interests of a: %+v %v", of, err)
	}
	exec(t, s, domain.CmdRemoveInterest, a, domain.InterestPayload{Interest: name})
	got, _ = s.InterestsByNames(ctx(t), []string{name})
	if got[name].PersonCount != 1 {
		t.Fatalf("after remove: %+v", got)
	}
	members, err := s.InterestPersons(ctx(t), []string{name}, store.Page{First: 5})
	if err != nil || members[name].TotalCount != 1 || members[name].Persons[0].ID != b {
		t.Fatalf("members: %+v %v", members, err)
	}
}

func testPagination(t *testing.T, s store.GraphStore) {
	star := register(t, s, "Star")
	var fans []string
	for range 5 {
		f := register(t, s, "Fan")
		exec(t, s, domain.CmdFollow, f, domain.FollowPayload{PersonID: star})
		fans = append(fans, f)
	}
	var seen []string
	after := ""
	for range 4 {
		pages, err := s.Followers(ctx(t), []string{star}, store.Page{First: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		pg := pages[star]
		if pg.TotalCount != 5 {
			t.Fatalf("total = %d", pg.TotalCount)
		}
		for _, p := range pg.Persons {
			seen = append(seen, p.ID)
			after = p.ID
		}
		if !pg.HasNext {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %d of 5: %v", len(seen), seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i-1] >= seen[i] {
			t.Fatalf("pages not ordered by id: %v", seen)
		}
	}
	slices.Sort(fans)
	if !slices.Equal(seen, fans) {
		t.Fatalf("paged %v, want the fans %v", seen, fans)
	}
}

func testRecommend(t *testing.T, s store.GraphStore) {
	me, friend, shared, fof, both := register(t, s, "Me"), register(t, s, "Friend"), register(t, s, "Shared"), register(t, s, "FoF"), register(t, s, "Both")
	topic := "chess " + testsupport.Letters()
	for _, p := range []string{me, shared, both} {
		exec(t, s, domain.CmdAddInterest, p, domain.InterestPayload{Interest: topic})
	}
	exec(t, s, domain.CmdFollow, me, domain.FollowPayload{PersonID: friend})
	exec(t, s, domain.CmdFollow, friend, domain.FollowPayload{PersonID: fof})
	exec(t, s, domain.CmdFollow, friend, domain.FollowPayload{PersonID: both})
	exec(t, s, domain.CmdFollow, friend, domain.FollowPayload{PersonID: me})
	recs, err := s.Recommend(ctx(t), me, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Recommendation{}
	for _, r := range recs {
		got[r.Person.ID] = r
	}
	if _, ok := got[me]; ok {
		t.Fatal("recommended self")
	}
	if _, ok := got[friend]; ok {
		t.Fatal("recommended someone already followed")
	}
	if len(recs) != 3 || recs[0].Person.ID != both || recs[0].Score != 1.5 {
		t.Fatalf("want Both (1.5) first of 3, got %+v", recs)
	}
	if got[shared].Score != 1 || !reflect.DeepEqual(got[shared].SharedInterests, []string{topic}) {
		t.Fatalf("shared: %+v", got[shared])
	}
	if got[fof].Score != 0.5 || len(got[fof].SharedInterests) != 0 {
		t.Fatalf("fof: %+v", got[fof])
	}
	if top, _ := s.Recommend(ctx(t), me, 1); len(top) != 1 || top[0].Person.ID != both {
		t.Fatalf("first=1: %+v", top)
	}
}
