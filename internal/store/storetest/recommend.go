package storetest

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

func recommend(t *testing.T, s store.GraphStore, id string, first int) map[string]store.Recommendation {
	t.Helper()
	recs, err := s.Recommend(ctx(t), id, first)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Recommendation{}
	for _, r := range recs {
		out[r.Person.ID] = r
	}
	return out
}

// testRecommendExclusions: blocked (either way), muted and dismissed
// persons are never recommended; a follower is, with FollowsYou and half
// a point; the counts behind each reason are given.
func testRecommendExclusions(t *testing.T, s store.GraphStore) {
	topic := "knots " + testsupport.Letters()
	me, fan, blocked, blocker, muted, dismissed, friend := register(t, s, "Me"), register(t, s, "Fan"), register(t, s, "Blocked"),
		register(t, s, "Blocker"), register(t, s, "Muted"), register(t, s, "Dismissed"), register(t, s, "Friend")
	for _, p := range []string{me, fan, blocked, blocker, muted, dismissed} {
		addInterest(t, s, p, topic)
	}
	follow(t, s, fan, me)
	follow(t, s, me, friend)
	follow(t, s, friend, fan)
	relate(t, s, domain.CmdBlock, me, blocked)
	relate(t, s, domain.CmdBlock, blocker, me)
	relate(t, s, domain.CmdMute, me, muted)
	relate(t, s, domain.CmdDismissRecommendation, me, dismissed)
	got := recommend(t, s, me, 10)
	if len(got) != 1 {
		t.Fatalf("want only Fan, got %+v", got)
	}
	r := got[fan]
	if r.Score != 2 || !r.FollowsYou || r.FollowedVia != 1 || len(r.SharedInterests) != 1 || r.Popular {
		t.Fatalf("Fan: %+v, want score 2 (interest 1, via Friend 0.5, follows you 0.5)", r)
	}
	relate(t, s, domain.CmdUnmute, me, muted)
	if _, ok := recommend(t, s, me, 10)[muted]; !ok {
		t.Fatal("unmuted person not recommended again")
	}
}

// testRecommendColdStart: a person with no interests and no follows is
// recommended the most-followed persons (Popular, score 0, most followers
// first), never a dismissed one. The database may be shared, so the test
// checks the order and the exclusion, not who is most followed.
func testRecommendColdStart(t *testing.T, s store.GraphStore) {
	me, star, fan1, fan2 := register(t, s, "New"), register(t, s, "Star"), register(t, s, "F1"), register(t, s, "F2")
	follow(t, s, fan1, star)
	follow(t, s, fan2, star)
	list := func() []store.Recommendation {
		recs, err := s.Recommend(ctx(t), me, 20)
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	recs := list()
	if len(recs) == 0 {
		t.Fatal("no recommendation for a cold start")
	}
	for i, r := range recs {
		if !r.Popular || r.Score != 0 || r.Person.ID == me || r.Person.FollowerCount == 0 ||
			i > 0 && r.Person.FollowerCount > recs[i-1].Person.FollowerCount {
			t.Fatalf("cold start #%d: %+v (of %d)", i, r, len(recs))
		}
	}
	top := recs[0].Person.ID
	relate(t, s, domain.CmdDismissRecommendation, me, top)
	for _, r := range list() {
		if r.Person.ID == top {
			t.Fatal("a dismissed person is still recommended")
		}
	}
}

// testRecommendTiesCut: a page that ends inside a tie of scores takes the
// tied candidates with the most followers; one scoring less never enters,
// however many followers it has.
func testRecommendTiesCut(t *testing.T, s store.GraphStore) {
	one, two := "tie one "+testsupport.Letters(), "tie two "+testsupport.Letters()
	me, best, tieFew, tieMany, low := register(t, s, "Me"), register(t, s, "Best"), register(t, s, "TieFew"), register(t, s, "TieMany"), register(t, s, "Low")
	for _, p := range []string{me, best} {
		addInterest(t, s, p, one)
		addInterest(t, s, p, two)
	}
	addInterest(t, s, tieFew, one)
	addInterest(t, s, tieMany, two)
	// Low scores half a point (Me follows one who follows Low) and has
	// the most followers of all.
	via := register(t, s, "Via")
	follow(t, s, me, via)
	follow(t, s, via, low)
	for range 3 {
		fan := register(t, s, "Fan")
		follow(t, s, fan, low)
		follow(t, s, fan, tieMany)
	}
	recs, err := s.Recommend(ctx(t), me, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Person.ID)
	}
	if want := []string{best, tieMany}; !equal(got, want) {
		t.Fatalf("first 2: %v, want Best (2 points) then TieMany (1 point, 3 followers) over TieFew (1 point, none); Low %s scores less", got, low)
	}
}
