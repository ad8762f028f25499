package storetest

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// socialTests are the contract of store.SocialReader, run by Run.
var socialTests = map[string]func(*testing.T, store.GraphStore){
	"SearchPersons":              testSearchPersons,
	"InterestDirectory":          testInterestDirectory,
	"TrendingWindows":            testTrendingWindows,
	"RelatedInterests":           testRelatedInterests,
	"MutualsAndKnown":            testMutualsAndKnown,
	"UpdateProfile":              testUpdateProfile,
	"BlockAndMute":               testBlockAndMute,
	"InboxHonoursBlocksAndMutes": testInboxHonoursBlocksAndMutes,
	"ConcurrentBlockAndFollow":   testConcurrentBlockAndFollow,
	"RelationsReplay":            testRelationsReplay,
	"RecommendExcludes":          testRecommendExclusions,
	"RecommendCold":              testRecommendColdStart,
	"RecommendTiesCut":           testRecommendTiesCut,
}

func follow(t *testing.T, s store.GraphStore, a, b string) {
	t.Helper()
	if out := exec(t, s, domain.CmdFollow, a, domain.FollowPayload{PersonID: b}); out.Status != domain.StatusApplied {
		t.Fatalf("follow: %+v", out)
	}
}

func addInterest(t *testing.T, s store.GraphStore, id, name string) {
	t.Helper()
	if out := exec(t, s, domain.CmdAddInterest, id, domain.InterestPayload{Interest: name}); out.Status != domain.StatusApplied {
		t.Fatalf("add interest: %+v", out)
	}
}

func search(t *testing.T, s store.GraphStore, viewer, query string, pg store.OffsetPage) []string {
	t.Helper()
	words, err := domain.SearchQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.SearchPersons(ctx(t), viewer, words, pg)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, p := range res.Persons {
		out = append(out, p.ID)
	}
	return out
}

func same(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// testSearchPersons: case and accents fold, every word is a prefix, whole
// words rank first, then follower count. A unique word keeps the test's
// persons apart from everyone else's in a shared database.
func testSearchPersons(t *testing.T, s store.GraphStore) {
	u := testsupport.Letters()
	jose := register(t, s, "José "+u+" Ñúñez")
	josefina := register(t, s, "JOSEFINA "+u)
	bob := register(t, s, "Bob "+u)
	fan := register(t, s, "Fan "+u)
	if got := search(t, s, "", "jose "+u, store.OffsetPage{First: 10}); !same(got, []string{jose, josefina}) {
		t.Fatalf("whole word first: %v, want José then Josefina", got)
	}
	if got := search(t, s, "", "NÚÑ "+u, store.OffsetPage{First: 10}); !same(got, []string{jose}) {
		t.Fatalf("accents and case: %v", got)
	}
	if got := search(t, s, "", "jos "+u+" q9", store.OffsetPage{First: 10}); len(got) != 0 {
		t.Fatalf("every word must match: %v", got)
	}
	follow(t, s, fan, josefina)
	if got := search(t, s, "", "JOS "+u[:6], store.OffsetPage{First: 10}); !same(got, []string{josefina, jose}) {
		t.Fatalf("then follower count: %v", got)
	}
	first := search(t, s, "", u, store.OffsetPage{First: 2})
	rest := search(t, s, "", u, store.OffsetPage{First: 2, Offset: 2})
	if len(first) != 2 || len(rest) != 2 || first[0] != josefina {
		t.Fatalf("pages of 4 (bob %s): %v then %v", bob, first, rest)
	}
}

func testInterestDirectory(t *testing.T, s store.GraphStore) {
	p := "dir" + testsupport.Letters()
	a, b, c := register(t, s, "A"), register(t, s, "B"), register(t, s, "C")
	addInterest(t, s, a, p+" a")
	addInterest(t, s, b, p+" b")
	addInterest(t, s, c, p+" b")
	addInterest(t, s, c, p+" c")
	exec(t, s, domain.CmdRemoveInterest, c, domain.InterestPayload{Interest: p + " c"})
	names := func(order store.InterestOrder, pg store.OffsetPage) ([]string, store.InterestPage) {
		res, err := s.Interests(ctx(t), p, order, pg)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, i := range res.Interests {
			out = append(out, fmt.Sprintf("%s/%d", i.Name, i.PersonCount))
		}
		return out, res
	}
	if got, res := names(store.InterestsByPopularity, store.OffsetPage{First: 10}); !same(got, []string{p + " b/2", p + " a/1"}) || res.TotalCount != 2 || res.HasNext {
		t.Fatalf("popular (an interest nobody holds is left out): %v %+v", got, res)
	}
	if got, res := names(store.InterestsByName, store.OffsetPage{First: 1}); !same(got, []string{p + " a/1"}) || !res.HasNext {
		t.Fatalf("by name, first page: %v %+v", got, res)
	}
	if got, res := names(store.InterestsByName, store.OffsetPage{First: 1, Offset: 1}); !same(got, []string{p + " b/2"}) || res.HasNext {
		t.Fatalf("by name, second page: %v %+v", got, res)
	}
}

// testTrendingWindows places its edges in an hour of 2001 that no other
// test uses, so the ranking is exactly this test's.
func testTrendingWindows(t *testing.T, s store.GraphStore) {
	var slot int64
	for _, c := range testsupport.Letters() {
		slot = slot*26 + int64(c-'a')
	}
	at := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(slot%200_000) * 3 * time.Hour)
	fresh, giant := "tr"+testsupport.Letters(), "tr"+testsupport.Letters()
	var evs []domain.Event
	for i := range 4 {
		id := register(t, s, "T")
		cmd, _ := domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: fresh}, at)
		ev, _ := domain.NewEventForTest(cmd, domain.EvInterestAdded, at.Add(time.Duration(i)*time.Minute), domain.InterestData{PersonID: id, Interest: fresh})
		evs = append(evs, ev)
		when := at.Add(-2 * time.Hour) // old members of the giant...
		if i == 0 {
			when = at.Add(30 * time.Minute) // ...and one new one
		}
		cmd, _ = domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: giant}, when)
		ev, _ = domain.NewEventForTest(cmd, domain.EvInterestAdded, when, domain.InterestData{PersonID: id, Interest: giant})
		evs = append(evs, ev)
	}
	if err := s.ApplyEvents(ctx(t), evs); err != nil {
		t.Fatal(err)
	}
	check := func(from time.Time, want ...string) {
		t.Helper()
		got, err := s.TrendingInterests(ctx(t), from, at.Add(time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		var list []string
		for _, g := range got {
			list = append(list, fmt.Sprintf("%s/%d/%.2f", g.Interest.Name, g.Adopters, g.Score))
		}
		if !same(list, want) {
			t.Fatalf("trending from %v: %v, want %v", from, list, want)
		}
	}
	check(at, fresh+"/4/2.00", giant+"/1/0.50")
	first, second := fresh, giant
	if giant < fresh {
		first, second = giant, fresh
	}
	check(at.Add(-3*time.Hour), first+"/4/2.00", second+"/4/2.00")
}

func testRelatedInterests(t *testing.T, s store.GraphStore) {
	p := "rel" + testsupport.Letters()
	a, b, c, d := p+" a", p+" b", p+" c", p+" d"
	for _, held := range [][]string{{a, b, c}, {a, b}, {a, c, d}, {c}} {
		id := register(t, s, "R")
		for _, n := range held {
			addInterest(t, s, id, n)
		}
	}
	got, err := s.RelatedInterests(ctx(t), a, 10)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, r := range got {
		list = append(list, fmt.Sprintf("%s/%d/%.3f", r.Interest.Name, r.SharedPersons, r.Score))
	}
	// b: 2 shared of 3 holding a or b; c: 2 of 4; d: 1 of 3.
	if want := []string{b + "/2/0.667", c + "/2/0.500", d + "/1/0.333"}; !same(list, want) {
		t.Fatalf("related: %v, want %v", list, want)
	}
	if got, _ := s.RelatedInterests(ctx(t), a, 1); len(got) != 1 || math.Abs(got[0].Score-2.0/3) > 1e-9 {
		t.Fatalf("first 1: %+v", got)
	}
}

func testMutualsAndKnown(t *testing.T, s store.GraphStore) {
	a, b, c, d, v := register(t, s, "A"), register(t, s, "B"), register(t, s, "C"), register(t, s, "D"), register(t, s, "V")
	follow(t, s, a, b)
	follow(t, s, b, a)
	follow(t, s, a, c)
	follow(t, s, d, a)
	follow(t, s, v, b)
	follow(t, s, v, d)
	follow(t, s, v, c)
	m, err := s.Mutuals(ctx(t), "", []string{a, c}, store.Page{First: 10})
	if err != nil || !same(idList(m[a]), []string{b}) || m[a].TotalCount != 1 || len(m[c].Persons) != 0 {
		t.Fatalf("mutuals of a: %+v %v", m, err)
	}
	k, err := s.FollowersYouKnow(ctx(t), v, []string{a}, store.Page{First: 10})
	if want := sorted(b, d); err != nil || !same(idList(k[a]), want) || k[a].TotalCount != 2 {
		t.Fatalf("followers of a that v knows: %+v, want %v (%v)", k[a], want, err)
	}
	k, err = s.FollowersYouKnow(ctx(t), v, []string{a}, store.Page{First: 1})
	if err != nil || len(k[a].Persons) != 1 || !k[a].HasNext {
		t.Fatalf("first page: %+v %v", k[a], err)
	}
	rel, err := s.Relationships(ctx(t), a, []string{b, c, d, v})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]store.Relationship{b: {Following: true, FollowedBy: true}, c: {Following: true}, d: {FollowedBy: true}, v: {}}
	for id, w := range want {
		if rel[id] != w {
			t.Errorf("relationship a→%s: %+v, want %+v", id, rel[id], w)
		}
	}
}

func idList(p store.PersonPage) []string {
	out := []string{}
	for _, x := range p.Persons {
		out = append(out, x.ID)
	}
	return out
}

func sorted(a, b string) []string {
	if b < a {
		return []string{b, a}
	}
	return []string{a, b}
}

// testUpdateProfile: a name change is found by search under the new name
// only; a bio is set, kept when only the name changes, and cleared by "".
func testUpdateProfile(t *testing.T, s store.GraphStore) {
	u := testsupport.Letters()
	id := register(t, s, "Old "+u)
	str := func(v string) *string { return &v }
	if out := exec(t, s, domain.CmdUpdateProfile, id, domain.ProfilePayload{Name: str("Émile " + u), Bio: str("hi")}); out.Status != domain.StatusApplied || len(out.Events) != 1 || out.Events[0].Type != domain.EvProfileUpdated {
		t.Fatalf("update: %+v", out)
	}
	if p := person(t, s, id); p.Name != "Émile "+u || p.Bio != "hi" {
		t.Fatalf("after update: %+v", p)
	}
	if got := search(t, s, "", "emile "+u, store.OffsetPage{First: 5}); !same(got, []string{id}) {
		t.Fatalf("search by the new name: %v", got)
	}
	if got := search(t, s, "", "old "+u, store.OffsetPage{First: 5}); len(got) != 0 {
		t.Fatalf("search by the old name: %v", got)
	}
	exec(t, s, domain.CmdUpdateProfile, id, domain.ProfilePayload{Name: str("Emil " + u)})
	if p := person(t, s, id); p.Bio != "hi" {
		t.Fatalf("bio lost on a name change: %+v", p)
	}
	exec(t, s, domain.CmdUpdateProfile, id, domain.ProfilePayload{Bio: str("")})
	if p := person(t, s, id); p.Bio != "" || p.Name != "Emil "+u {
		t.Fatalf("bio not cleared: %+v", p)
	}
	if out := exec(t, s, domain.CmdUpdateProfile, id, domain.ProfilePayload{Bio: str(strings.Repeat("x", domain.MaxBioLen+1))}); out.Status != domain.StatusRejected || out.Reason != domain.ReasonInvalidPayload {
		t.Fatalf("long bio: %+v", out)
	}
}
