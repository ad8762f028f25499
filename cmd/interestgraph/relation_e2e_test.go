package main

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

func (rs *running) rejected(t *testing.T, r receipt, reason, what string) {
	t.Helper()
	if r.Status != "REJECTED" || r.Reason == nil || *r.Reason != reason {
		t.Fatalf("%s: %+v, want REJECTED %s", what, r, reason)
	}
}

func (rs *running) relationship(t *testing.T, token, id string) map[string]bool {
	t.Helper()
	var out struct {
		Person struct{ Relationship map[string]bool }
	}
	rs.must(t, token, `query($id: ID!) { person(id: $id) { relationship { following followedBy mutual blocking blockedBy muting } } }`,
		map[string]any{"id": id}, &out)
	return out.Person.Relationship
}

// TestBlockAndMute: a mute silences notifications; a block removes both
// follows, refuses follows and transfers either way with BLOCKED, hides the
// pair from each other's search, shows in relationship, and is private.
func TestBlockAndMute(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		u := testsupport.Letters()
		ann, bob, cid, dee := rs.registerNamed(t, "Ann "+u), rs.registerNamed(t, "Bob "+u), rs.registerNamed(t, "Cid "+u), rs.registerNamed(t, "Dee "+u)
		annWS := rs.ws(t, ann.Token)
		annWS.subscribe("n", `subscription { notifications { kind actor { id } } }`, nil)
		bobWS := rs.ws(t, bob.Token)
		bobWS.subscribe("e", `subscription($p: ID!) { personEvents(personId: $p) { __typename commandId } }`, map[string]any{"p": ann.ID})
		rs.waitSubscriptions(t, 2)

		// Mute: Cid's follow reaches Ann's graph but not her notifications.
		rs.applied(t, ann.Token, "mute", "personId", cid.ID)
		rs.applied(t, cid.Token, "follow", "personId", ann.ID)
		rs.applied(t, dee.Token, "follow", "personId", ann.ID)
		var n notificationMsg
		annWS.next("n", &n)
		if n.Notifications.Kind != "FOLLOWED" || n.Notifications.Actor.ID != dee.ID {
			t.Fatalf("first notification is not Dee's (Cid is muted): %+v", n)
		}
		if r := rs.relationship(t, cid.Token, ann.ID); r["muting"] || r["blockedBy"] || !r["following"] {
			t.Fatalf("the muted one sees the mute: %+v", r)
		}

		rs.applied(t, ann.Token, "follow", "personId", bob.ID)
		rs.applied(t, bob.Token, "follow", "personId", ann.ID)
		annWS.next("n", &n)
		block := rs.mutate(t, ann.Token, "block", "personId", bob.ID)
		if block.Status != "APPLIED" {
			t.Fatalf("block: %+v", block)
		}
		if r := rs.relationship(t, ann.Token, bob.ID); !r["blocking"] || r["following"] || r["followedBy"] {
			t.Fatalf("Ann's view after the block: %+v", r)
		}
		if r := rs.relationship(t, bob.Token, ann.ID); !r["blockedBy"] || r["blocking"] {
			t.Fatalf("Bob's view after the block: %+v", r)
		}
		rs.rejected(t, rs.mutate(t, bob.Token, "follow", "personId", ann.ID), "BLOCKED", "the blocked follows")
		rs.rejected(t, rs.mutate(t, ann.Token, "follow", "personId", bob.ID), "BLOCKED", "the blocker follows")
		rs.rejected(t, rs.transfer(t, bob.Token, ann.ID, 1), "BLOCKED", "the blocked pays")
		rs.rejected(t, rs.transfer(t, ann.Token, bob.ID, 1), "BLOCKED", "the blocker pays")
		var found struct{ SearchPersons conn }
		rs.must(t, bob.Token, `query($q: String!) { searchPersons(query: $q) { totalCount edges { node { id } } } }`, map[string]any{"q": "ann " + u}, &found)
		if found.SearchPersons.TotalCount != 0 {
			t.Fatalf("the blocked finds the blocker: %+v", found)
		}

		// Private: the block is not on Ann's public events; her next change is.
		add := rs.mutate(t, ann.Token, "addInterest", "name", "quiet"+u)
		var ev struct {
			PersonEvents struct{ Typename, CommandID string }
		}
		for ev.PersonEvents.CommandID != add.CommandID {
			bobWS.next("e", &ev)
			if ev.PersonEvents.CommandID == block.CommandID {
				t.Fatalf("the block is on personEvents: %+v", ev)
			}
		}

		rs.applied(t, ann.Token, "unblock", "personId", bob.ID)
		rs.applied(t, bob.Token, "follow", "personId", ann.ID)
		rs.rejected(t, rs.mutate(t, ann.Token, "block", "personId", domain.NewID()), "PERSON_NOT_FOUND", "block of nobody")
		for _, op := range []string{"block", "mute", "unblock", "unmute", "dismissRecommendation"} {
			if code := rs.do(t, ann.Token, `mutation($v: ID!) { `+op+`(personId: $v) { status } }`, map[string]any{"v": ann.ID}).code(); code != "BAD_USER_INPUT" {
				t.Fatalf("%s oneself: %q, want BAD_USER_INPUT", op, code)
			}
		}
		if code := rs.do(t, "", `mutation($v: ID!) { block(personId: $v) { status } }`, map[string]any{"v": bob.ID}).code(); code != "UNAUTHENTICATED" {
			t.Fatalf("block without a token: %q", code)
		}
	})
}
