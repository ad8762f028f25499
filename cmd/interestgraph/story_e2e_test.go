package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestStory is the register → interests → follow → notification story,
// through HTTP, Kafka, the consumer, the store and back over WebSocket.
func TestStory(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
		// Dora is the bystander: she watches her own notifications and her
		// own public events, and must see nothing of Ann's and Bob's.
		dora := rs.register(t, "Dora")

		// Bob watches his notifications; anyone may watch Ann's public events.
		bobWS := rs.ws(t, bob.Token)
		bobWS.subscribe("n", `subscription { notifications { id kind at amount actor { id name } } }`, nil)
		anonWS := rs.ws(t, "")
		anonWS.subscribe("e", personEventsQuery, map[string]any{"p": ann.ID})
		doraWS := rs.ws(t, dora.Token)
		doraWS.subscribe("n", `subscription { notifications { id kind at amount actor { id name } } }`, nil)
		doraWS.subscribe("e", personEventsQuery, map[string]any{"p": dora.ID})
		rs.waitSubscriptions(t, 4) // all registered before events flow

		// A fresh interest name: the real Neo4j is shared with earlier runs.
		suffix := testsupport.Letters()
		topic := "graph databases " + suffix
		add := rs.mutate(t, ann.Token, "addInterest", "name", "  Graph   Databases "+strings.ToUpper(suffix)+" ")
		if add.Status != "APPLIED" {
			t.Fatalf("addInterest: %+v", add)
		}
		var ev personEventMsg
		anonWS.nextPersonEvent("e", ann.ID, &ev)
		if ev.PersonEvents.Typename != "InterestAdded" || ev.PersonEvents.Interest.Name != topic || ev.PersonEvents.CommandID != add.CommandID {
			t.Fatalf("personEvents: %+v", ev)
		}

		// Read-your-writes: the APPLIED receipt means the next query sees it.
		var me struct {
			Me struct {
				Interests []struct {
					Name        string
					PersonCount int
				}
			}
		}
		rs.must(t, ann.Token, `{ me { interests { name personCount } } }`, nil, &me)
		if len(me.Me.Interests) != 1 || me.Me.Interests[0].Name != topic || me.Me.Interests[0].PersonCount != 1 {
			t.Fatalf("me after addInterest: %+v", me)
		}

		f := rs.mutate(t, ann.Token, "follow", "personId", bob.ID)
		if f.Status != "APPLIED" {
			t.Fatalf("follow: %+v", f)
		}
		var n notificationMsg
		bobWS.next("n", &n)
		if n.Notifications.Kind != "FOLLOWED" || n.Notifications.Actor.ID != ann.ID || n.Notifications.Actor.Name != "Ann" {
			t.Fatalf("notification: %+v", n)
		}
		anonWS.next("e", &ev)
		if ev.PersonEvents.Typename != "Followed" || ev.PersonEvents.Followee.ID != bob.ID {
			t.Fatalf("personEvents follow: %+v", ev)
		}

		// A duplicate follow is APPLIED and changes nothing.
		if dup := rs.mutate(t, ann.Token, "follow", "personId", bob.ID); dup.Status != "APPLIED" {
			t.Fatalf("duplicate follow: %+v", dup)
		}
		var p struct {
			Person struct {
				Name          string
				Email         *string
				FollowerCount int
				Followers     struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
			}
		}
		rs.must(t, ann.Token, `query($id: ID!) { person(id: $id) { name email followerCount followers(first: 5) { totalCount edges { node { id } } } } }`,
			map[string]any{"id": bob.ID}, &p)
		if p.Person.FollowerCount != 1 || p.Person.Followers.TotalCount != 1 || p.Person.Followers.Edges[0].Node.ID != ann.ID {
			t.Fatalf("bob's followers: %+v", p)
		}
		if p.Person.Email != nil {
			t.Fatalf("Ann can see Bob's email: %v", *p.Person.Email)
		}

		// Recommendations: Carl shares Ann's interest.
		carl := rs.register(t, "Carl")
		rs.mutate(t, carl.Token, "addInterest", "name", topic)
		var rec struct {
			RecommendedPeople []struct {
				Person          struct{ ID string }
				Score           float64
				SharedInterests []struct{ Name string }
			}
		}
		rs.must(t, ann.Token, `{ recommendedPeople(first: 5) { person { id } score sharedInterests { name } } }`, nil, &rec)
		if len(rec.RecommendedPeople) != 1 || rec.RecommendedPeople[0].Person.ID != carl.ID || rec.RecommendedPeople[0].Score != 1 {
			t.Fatalf("recommendations: %+v", rec)
		}

		// A transfer is no public event of Ann's: her stream goes on with the
		// removal, and Bob is told about the coins.
		if r := rs.transfer(t, ann.Token, bob.ID, 5); r.Status != "APPLIED" {
			t.Fatalf("transfer: %+v", r)
		}
		bobWS.next("n", &n)
		if n.Notifications.Kind != "COINS_RECEIVED" || n.Notifications.Amount == nil || *n.Notifications.Amount != 5 || n.Notifications.Actor.ID != ann.ID {
			t.Fatalf("coins notification: %+v", n)
		}
		rm := rs.mutate(t, ann.Token, "removeInterest", "name", topic)
		if rm.Status != "APPLIED" {
			t.Fatalf("removeInterest: %+v", rm)
		}
		anonWS.next("e", &ev)
		if ev.PersonEvents.Typename != "InterestRemoved" || ev.PersonEvents.Interest.Name != topic || ev.PersonEvents.CommandID != rm.CommandID || ev.PersonEvents.Person.ID != ann.ID {
			t.Fatalf("personEvents after a transfer and a removal (coin events must not be carried): %+v", ev)
		}

		// Unfollow, read off the socket.
		u := rs.mutate(t, ann.Token, "unfollow", "personId", bob.ID)
		if u.Status != "APPLIED" {
			t.Fatalf("unfollow: %+v", u)
		}
		anonWS.next("e", &ev)
		if ev.PersonEvents.Typename != "Unfollowed" || ev.PersonEvents.Followee.ID != bob.ID || ev.PersonEvents.CommandID != u.CommandID {
			t.Fatalf("personEvents unfollow: %+v", ev)
		}

		// The bystander saw none of that; events meant for her do flow.
		dInterest := rs.mutate(t, dora.Token, "addInterest", "name", "knitting "+suffix)
		doraWS.nextPersonEvent("e", dora.ID, &ev)
		if ev.PersonEvents.Typename != "InterestAdded" || ev.PersonEvents.CommandID != dInterest.CommandID || ev.PersonEvents.Person.ID != dora.ID {
			t.Fatalf("bystander's first public event is not her own: %+v", ev)
		}
		rs.mutate(t, carl.Token, "follow", "personId", dora.ID)
		doraWS.next("n", &n)
		if n.Notifications.Kind != "FOLLOWED" || n.Notifications.Actor.ID != carl.ID {
			t.Fatalf("bystander's first notification is not hers (recipient check broken?): %+v", n)
		}

		var login struct{ Login struct{ AccessToken string } }
		rs.must(t, "", `mutation($e: String!) { login(email: $e, password: "correct horse") { accessToken } }`, map[string]any{"e": ann.Email}, &login)
		var me2 struct{ Me struct{ ID string } }
		rs.must(t, login.Login.AccessToken, `{ me { id } }`, nil, &me2)
		if me2.Me.ID != ann.ID {
			t.Fatalf("login token names %q, want %q", me2.Me.ID, ann.ID)
		}
	})
}

// TestAsyncMutationAndReceipt: with "Prefer: respond-async" a mutation
// answers ACCEPTED at once, and commandReceipt follows the outcome.
func TestAsyncMutationAndReceipt(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann := rs.register(t, "Ann")
		r := rs.doWith(t, `mutation { follow(personId: "00000000-0000-4000-8000-000000000000") { commandId status } }`, nil, func(h http.Header) {
			h["Authorization"] = []string{"Bearer " + ann.Token}
			h["Prefer"] = []string{"respond-async"}
		})
		var out struct{ Follow receipt }
		if len(r.Errors) > 0 || jsonInto(r.Data, &out) != nil || out.Follow.Status != "ACCEPTED" {
			t.Fatalf("async follow: %+v %s", r.Errors, r.Data)
		}
		var got struct{ CommandReceipt receipt }
		eventually(t, time.Minute, "the outcome", func() bool {
			rs.must(t, ann.Token, `query($id: ID!) { commandReceipt(commandId: $id) { commandId status reason } }`, map[string]any{"id": out.Follow.CommandID}, &got)
			return got.CommandReceipt.Status != "ACCEPTED"
		})
		if got.CommandReceipt.Status != "REJECTED" || got.CommandReceipt.Reason == nil || *got.CommandReceipt.Reason != "PERSON_NOT_FOUND" {
			t.Fatalf("receipt: %+v", got)
		}
		bob := rs.register(t, "Bob")
		if r := rs.do(t, bob.Token, `query($id: ID!) { commandReceipt(commandId: $id) { status } }`, map[string]any{"id": out.Follow.CommandID}); r.code() != "FORBIDDEN" {
			t.Fatalf("someone else's receipt: %+v", r.Errors)
		}
	})
}

// personEventsQuery selects what the subscription tests check of a
// personEvents message.
const personEventsQuery = `subscription($p: ID!) { personEvents(personId: $p) { __typename commandId person { id }
	... on InterestAdded { interest { name } } ... on InterestRemoved { interest { name } }
	... on Followed { followee { id name } } ... on Unfollowed { followee { id name } } } }`

// nextPersonEvent reads the next personEvents message of subscription id,
// passing over the watched person's own registration: the gateway tails
// the events topic apart from the outcomes that answered the registration,
// so that event may reach a subscription opened after the answer.
func (c *wsClient) nextPersonEvent(id, personID string, ev *personEventMsg) {
	c.t.Helper()
	for c.next(id, ev); ev.PersonEvents.Typename == "PersonRegistered" && ev.PersonEvents.Person.ID == personID; c.next(id, ev) {
	}
}

type personEventMsg struct {
	PersonEvents struct {
		Typename  string `json:"__typename"`
		CommandID string
		Person    struct{ ID string }
		Interest  struct{ Name string }
		Followee  struct{ ID, Name string }
	}
}

type notificationMsg struct {
	Notifications struct {
		ID, Kind string
		Amount   *int
		Actor    struct{ ID, Name string }
	}
}

// transfer sends amount coins from the token's owner to to.
func (rs *running) transfer(t *testing.T, token, to string, amount int) receipt {
	t.Helper()
	var out struct{ TransferCoins receipt }
	rs.must(t, token, `mutation($to: ID!, $a: Int!) { transferCoins(to: $to, amount: $a) { commandId status reason } }`,
		map[string]any{"to": to, "a": amount}, &out)
	return out.TransferCoins
}
