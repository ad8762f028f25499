package main

import (
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

type recommendation struct {
	Person     struct{ ID string }
	Score      float64
	Reasons    []string
	FollowedBy []struct{ ID string }
}

func (rs *running) recommendations(t *testing.T, token string) map[string]recommendation {
	t.Helper()
	var out struct{ RecommendedPeople []recommendation }
	rs.must(t, token, `{ recommendedPeople(first: 20) { person { id } score reasons followedBy { id } } }`, nil, &out)
	got := map[string]recommendation{}
	for _, r := range out.RecommendedPeople {
		got[r.Person.ID] = r
	}
	return got
}

// TestRecommendationsExplainAndExclude: reasons and followedBy explain a
// recommendation; blocked, muted and dismissed persons are left out; a
// person with nothing to go on gets the most-followed persons (POPULAR).
func TestRecommendationsExplainAndExclude(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		topic := "kites" + testsupport.Letters()
		ann, bob, cat, dan, eve, fay := rs.register(t, "Ann"), rs.register(t, "Bob"), rs.register(t, "Cat"), rs.register(t, "Dan"), rs.register(t, "Eve"), rs.register(t, "Fay")
		for _, p := range []registered{ann, bob, cat, dan, eve} {
			rs.applied(t, p.Token, "addInterest", "name", topic)
		}
		rs.applied(t, ann.Token, "follow", "personId", fay.ID)
		rs.applied(t, fay.Token, "follow", "personId", bob.ID)
		rs.applied(t, eve.Token, "follow", "personId", ann.ID)
		got := rs.recommendations(t, ann.Token)
		if r := got[bob.ID]; r.Score != 1.5 || strings.Join(r.Reasons, ",") != "SHARED_INTERESTS,FOLLOWED_BY_YOUR_FOLLOWS" || len(r.FollowedBy) != 1 || r.FollowedBy[0].ID != fay.ID {
			t.Fatalf("Bob: %+v", r)
		}
		if r := got[eve.ID]; r.Score != 1.5 || strings.Join(r.Reasons, ",") != "SHARED_INTERESTS,FOLLOWS_YOU" || len(r.FollowedBy) != 0 {
			t.Fatalf("Eve: %+v", r)
		}
		if len(got) != 4 {
			t.Fatalf("want Bob, Eve, Cat, Dan: %+v", got)
		}
		rs.applied(t, ann.Token, "block", "personId", cat.ID)
		rs.applied(t, ann.Token, "mute", "personId", dan.ID)
		rs.applied(t, ann.Token, "dismissRecommendation", "personId", eve.ID)
		if got := rs.recommendations(t, ann.Token); len(got) != 1 || got[bob.ID].Score != 1.5 {
			t.Fatalf("after block, mute and dismissal, want only Bob: %+v", got)
		}
		rs.rejected(t, rs.mutate(t, ann.Token, "dismissRecommendation", "personId", domain.NewID()), "PERSON_NOT_FOUND", "dismissing nobody")

		newcomer := rs.register(t, "Gil")
		cold := rs.recommendations(t, newcomer.Token)
		if len(cold) == 0 {
			t.Fatal("no recommendation for a newcomer")
		}
		for id, r := range cold {
			if strings.Join(r.Reasons, ",") != "POPULAR" || r.Score != 0 {
				t.Fatalf("newcomer's recommendation %s: %+v", id, r)
			}
		}
		if _, ok := cold[bob.ID]; !ok && st == embeddedStack {
			t.Fatalf("Bob, followed by Fay, is not among the popular: %+v", cold)
		}
	})
}
