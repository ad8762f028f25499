package main

import (
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

type conn struct {
	TotalCount int
	Edges      []struct{ Node struct{ ID, Name string } }
	PageInfo   struct {
		HasNextPage bool
		EndCursor   *string
	}
}

func (c conn) ids() []string {
	out := []string{}
	for _, e := range c.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

// registerNamed registers a person whose name need not be fit for an email.
func (rs *running) registerNamed(t *testing.T, name string) registered {
	t.Helper()
	email := "named-" + testsupport.Unique() + "@example.com"
	var out struct {
		Register struct {
			AccessToken string
			Person      struct{ ID string }
		}
	}
	rs.must(t, "", `mutation($in: RegisterInput!) { register(input: $in) { accessToken person { id } } }`,
		map[string]any{"in": map[string]any{"email": email, "password": "correct horse", "name": name}}, &out)
	return registered{ID: out.Register.Person.ID, Email: email, Token: out.Register.AccessToken}
}

func (rs *running) applied(t *testing.T, token, field, argName, arg string) {
	t.Helper()
	if r := rs.mutate(t, token, field, argName, arg); r.Status != "APPLIED" {
		t.Fatalf("%s: %+v", field, r)
	}
}

// TestSocialReads: two people find each other by name (any case, no
// accents), see their mutuals, the followers they know and how they
// relate; the interest directory, trending and related interests answer.
func TestSocialReads(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		u := testsupport.Letters()
		zoe, bob, cid := rs.registerNamed(t, "Zoë "+u), rs.registerNamed(t, "Bob "+u), rs.registerNamed(t, "Cid "+u)
		var found struct{ SearchPersons conn }
		rs.must(t, "", `query($q: String!) { searchPersons(query: $q) { totalCount edges { node { id name } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"q": "ZOE " + strings.ToUpper(u[:4])}, &found)
		if got := found.SearchPersons.ids(); len(got) != 1 || got[0] != zoe.ID {
			t.Fatalf("search without accent in upper case: %+v", found)
		}
		rs.applied(t, zoe.Token, "follow", "personId", bob.ID)
		rs.applied(t, bob.Token, "follow", "personId", zoe.ID)
		rs.applied(t, cid.Token, "follow", "personId", bob.ID)
		rs.applied(t, zoe.Token, "follow", "personId", cid.ID)
		var seen struct {
			Person struct {
				Mutuals, FollowersYouKnow conn
				Relationship              map[string]bool
			}
		}
		q := `query($id: ID!) { person(id: $id) { mutuals { totalCount edges { node { id } } } followersYouKnow { totalCount edges { node { id } } }
  relationship { following followedBy mutual blocking blockedBy muting } } }`
		rs.must(t, zoe.Token, q, map[string]any{"id": bob.ID}, &seen)
		if got := seen.Person.Mutuals.ids(); len(got) != 1 || got[0] != zoe.ID {
			t.Fatalf("bob's mutuals: %+v", seen.Person.Mutuals)
		}
		if got := seen.Person.FollowersYouKnow.ids(); len(got) != 1 || got[0] != cid.ID {
			t.Fatalf("bob's followers zoe knows: %+v", seen.Person.FollowersYouKnow)
		}
		if r := seen.Person.Relationship; !r["following"] || !r["followedBy"] || !r["mutual"] || r["blocking"] || r["blockedBy"] || r["muting"] {
			t.Fatalf("relationship: %+v", r)
		}
		anon := rs.do(t, "", q, map[string]any{"id": bob.ID})
		if !strings.Contains(string(anon.Data), `"relationship":null`) || !strings.Contains(string(anon.Data), `"followersYouKnow":{"totalCount":0`) {
			t.Fatalf("without a token: %s %+v", anon.Data, anon.Errors)
		}
		testUpdateProfile(t, rs, zoe, u)
		testInterestReads(t, rs, st, u, []registered{zoe, bob, cid, rs.registerNamed(t, "Dee "+u)})
	})
}

// testInterestReads checks the interest reads. Trending is global: on the
// shared real database other tests' interests may fill the list, so its
// exact ranking is checked on the embedded stack (and on Neo4j by the
// store contract, in an hour of its own).
func testInterestReads(t *testing.T, rs *running, st stack, u string, people []registered) {
	hot, side := "hot"+u, "side"+u
	for i, p := range people {
		rs.applied(t, p.Token, "addInterest", "name", hot)
		if i < 2 {
			rs.applied(t, p.Token, "addInterest", "name", side)
		}
	}
	var dir struct {
		Interests struct {
			TotalCount int
			Edges      []struct{ Node struct{ Name string } }
		}
	}
	rs.must(t, "", `query($q: String) { interests(query: $q, orderBy: NAME) { totalCount edges { node { name } } } }`, map[string]any{"q": "HOT" + u}, &dir)
	if dir.Interests.TotalCount != 1 || dir.Interests.Edges[0].Node.Name != hot {
		t.Fatalf("directory by prefix: %+v", dir)
	}
	var rel struct {
		Interest struct {
			Related []struct {
				Interest      struct{ Name string }
				Score         float64
				SharedPersons int
			}
		}
	}
	rs.must(t, "", `query($n: String!) { interest(name: $n) { related { interest { name } score sharedPersons } } }`, map[string]any{"n": hot}, &rel)
	if r := rel.Interest.Related; len(r) != 1 || r[0].Interest.Name != side || r[0].SharedPersons != 2 || r[0].Score != 0.5 {
		t.Fatalf("related: %+v", r)
	}
	var tr struct {
		TrendingInterests []struct {
			Interest struct{ Name string }
			Adopters int
			Score    float64
		}
	}
	rs.must(t, "", `{ trendingInterests(window: HOUR, first: 100) { interest { name } adopters score } }`, nil, &tr)
	var got []string
	for _, x := range tr.TrendingInterests {
		if x.Interest.Name == hot && x.Adopters == 4 && x.Score == 2 {
			got = append(got, x.Interest.Name)
		}
	}
	if len(got) != 1 && st == embeddedStack {
		t.Fatalf("trending in the last hour: %s (4 adopters, score 2) missing from %+v", hot, tr)
	}
}

func testUpdateProfile(t *testing.T, rs *running, p registered, u string) {
	var out struct{ UpdateProfile receipt }
	rs.must(t, p.Token, `mutation($in: UpdateProfileInput!) { updateProfile(input: $in) { commandId status reason } }`,
		map[string]any{"in": map[string]any{"name": "Zoé Renée " + u, "bio": "Climbs. Writes Go."}}, &out)
	if out.UpdateProfile.Status != "APPLIED" {
		t.Fatalf("updateProfile: %+v", out)
	}
	var seen struct {
		Person struct{ Name, Bio string }
	}
	rs.must(t, "", `query($id: ID!) { person(id: $id) { name bio } }`, map[string]any{"id": p.ID}, &seen)
	if seen.Person.Name != "Zoé Renée "+u || seen.Person.Bio != "Climbs. Writes Go." {
		t.Fatalf("after updateProfile: %+v", seen)
	}
	var found struct{ SearchPersons conn }
	rs.must(t, "", `query($q: String!) { searchPersons(query: $q) { totalCount edges { node { id } } } }`, map[string]any{"q": "renee " + u}, &found)
	if got := found.SearchPersons.ids(); len(got) != 1 || got[0] != p.ID {
		t.Fatalf("search by the new name: %+v", found)
	}
}

// TestRecommendationReasons: a recommendation says why it is made.
func TestRecommendationReasons(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ann, bob, cat := rs.register(t, "Ann"), rs.register(t, "Bob"), rs.register(t, "Cat")
	rs.applied(t, ann.Token, "follow", "personId", bob.ID)
	rs.applied(t, bob.Token, "follow", "personId", cat.ID)
	rs.applied(t, ann.Token, "addInterest", "name", "chess")
	rs.applied(t, cat.Token, "addInterest", "name", "chess")
	var out struct {
		RecommendedPeople []struct {
			Person  struct{ ID string }
			Reasons []string
		}
	}
	rs.must(t, ann.Token, `{ recommendedPeople { person { id } reasons followedBy { id } } }`, nil, &out)
	if r := out.RecommendedPeople; len(r) != 1 || r[0].Person.ID != cat.ID || strings.Join(r[0].Reasons, ",") != "SHARED_INTERESTS,FOLLOWED_BY_YOUR_FOLLOWS" {
		t.Fatalf("recommendations: %+v", r)
	}
}
