package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

const resumePersonQuery = `subscription($p: ID!, $after: String) { personEvents(personId: $p, after: $after) { __typename cursor commandId } }`

const resumeNotificationsQuery = `subscription($after: String) { notifications(after: $after) { cursor kind amount } }`

const resumeGraphQuery = `subscription($after: String) { graphEvents(after: $after) { cursor type subject commandId } }`

// gateways starts a gateway and consumer and, on the real stack, a second
// gateway sharing its topics, store and signing key: a cursor from one
// must resume on the other. The embedded stack has one gateway.
func gateways(t *testing.T, st stack) (first, second *running, provider *fakeProvider, admin string) {
	cfg, provider := withProvider(t, testConfig(t, st))
	admin = "root-" + testsupport.Unique() + "@example.com"
	cfg.AdminEmails = []string{admin}
	cfg.JWTPrivateKeyFile = writeKey(t)
	first = startService(t, cfg, roles{gateway: true, consumer: true})
	second = first
	if st == realStack {
		second = startService(t, cfg, roles{gateway: true})
	}
	return first, second, provider, admin
}

// TestResumePersonEventsAfterCursor: events made while a subscriber was
// away arrive on resubscription with its last cursor, exactly once and in
// order, then live ones.
func TestResumePersonEventsAfterCursor(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		a, b, _, _ := gateways(t, st)
		ann := a.register(t, "Ann")
		ws := a.ws(t, "")
		ws.subscribe("e", resumePersonQuery, map[string]any{"p": ann.ID})
		a.waitSubscriptions(t, 1)
		seen := a.mutate(t, ann.Token, "addInterest", "name", "before")
		var ev struct {
			PersonEvents struct{ Typename, Cursor, CommandID string }
		}
		for ws.next("e", &ev); ev.PersonEvents.CommandID != seen.CommandID; ws.next("e", &ev) {
		} // the registration may come first
		last := ev.PersonEvents.Cursor
		_ = ws.conn.CloseNow()

		var missed []string
		for _, name := range []string{"away1", "away2", "away3"} {
			missed = append(missed, a.mutate(t, ann.Token, "addInterest", "name", name).CommandID)
		}
		again := b.ws(t, "")
		again.subscribe("e", resumePersonQuery, map[string]any{"p": ann.ID, "after": last})
		for _, want := range missed {
			again.next("e", &ev)
			if ev.PersonEvents.CommandID != want || ev.PersonEvents.Cursor == "" {
				t.Fatalf("resumed: got %+v, want command %s (missed: %v)", ev.PersonEvents, want, missed)
			}
		}
		// Live after replay; a duplicate of a replayed event would come
		// before each of these.
		for _, name := range []string{"live1", "live2"} {
			want := a.mutate(t, ann.Token, "addInterest", "name", name).CommandID
			again.next("e", &ev)
			if ev.PersonEvents.CommandID != want {
				t.Fatalf("live after replay: got %+v, want %s", ev.PersonEvents, want)
			}
		}
	})
}

// TestResumeNotificationsAndGraphEventsAcrossPartitions: streams that span
// partitions resume with a position per partition.
func TestResumeNotificationsAndGraphEventsAcrossPartitions(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		a, b, provider, adminEmail := gateways(t, st)
		bob := a.register(t, "Bob")
		payers := []registered{a.register(t, "Ann"), a.register(t, "Carl"), a.register(t, "Dora"), a.register(t, "Eve")}
		adminA := provider.signIn(t, a, adminEmail)
		pay := func(from registered, amount int) string {
			var out struct{ TransferCoins receipt }
			a.must(t, from.Token, `mutation($to: ID!, $a: Int!) { transferCoins(to: $to, amount: $a) { commandId status reason } }`,
				map[string]any{"to": bob.ID, "a": amount}, &out)
			if out.TransferCoins.Status != "APPLIED" {
				t.Fatalf("transfer: %+v (reason %v)", out, *out.TransferCoins.Reason)
			}
			return out.TransferCoins.CommandID
		}
		nws, gws := a.ws(t, bob.Token), a.ws(t, adminA)
		nws.subscribe("n", resumeNotificationsQuery, nil)
		gws.subscribe("g", resumeGraphQuery, nil)
		a.waitSubscriptions(t, 2)
		firstID := pay(payers[0], 1)
		var n struct {
			Notifications struct {
				Cursor, Kind string
				Amount       int
			}
		}
		nws.next("n", &n)
		var g struct {
			GraphEvents struct{ Cursor, Type, Subject, CommandID string }
		}
		for gws.next("g", &g); g.GraphEvents.CommandID != firstID; gws.next("g", &g) {
		}
		nCursor, gCursor := n.Notifications.Cursor, g.GraphEvents.Cursor
		if p, err := cursor.Decode(nCursor); err != nil || len(p) != 3 {
			t.Fatalf("notification cursor %q: %v %v, want a position in each of 3 partitions", nCursor, p, err)
		}
		_, _ = nws.conn.CloseNow(), gws.conn.CloseNow()

		// Payers' transfers are keyed by payer: they spread over partitions.
		var awayIDs []string
		for i, p := range payers {
			awayIDs = append(awayIDs, pay(p, 10+i))
		}
		nws2, gws2 := b.ws(t, bob.Token), b.ws(t, adminA)
		nws2.subscribe("n", resumeNotificationsQuery, map[string]any{"after": nCursor})
		gws2.subscribe("g", resumeGraphQuery, map[string]any{"after": gCursor})
		var amounts []int
		for range payers {
			nws2.next("n", &n)
			amounts = append(amounts, n.Notifications.Amount)
		}
		slices.Sort(amounts)
		if fmt.Sprint(amounts) != "[10 11 12 13]" {
			t.Fatalf("resumed notifications: amounts %v, want each missed one once: [10 11 12 13]", amounts)
		}
		var got []string
		for len(got) < len(awayIDs) {
			gws2.next("g", &g)
			if g.GraphEvents.Type == "CoinsTransferred" {
				got = append(got, g.GraphEvents.CommandID)
			}
		}
		slices.Sort(got)
		slices.Sort(awayIDs)
		if !slices.Equal(got, awayIDs) {
			t.Fatalf("resumed graphEvents: transfers %v, want %v", got, awayIDs)
		}
		liveID := pay(payers[0], 50)
		nws2.next("n", &n)
		if n.Notifications.Amount != 50 {
			t.Fatalf("live notification after replay: %+v (a duplicate?)", n)
		}
		for gws2.next("g", &g); g.GraphEvents.Type != "CoinsTransferred"; gws2.next("g", &g) {
		}
		if g.GraphEvents.CommandID != liveID {
			t.Fatalf("live graph event after replay: %+v, want command %s", g.GraphEvents, liveID)
		}
	})
}

// TestBadCursorsAreRefusedAtOnce: malformed → BAD_USER_INPUT, older than
// the event store retains → CURSOR_EXPIRED, as the subscription's answer.
func TestBadCursorsAreRefusedAtOnce(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		a, _, _, _ := gateways(t, st)
		ann := a.register(t, "Ann")
		for range 3 {
			a.mutate(t, ann.Token, "addInterest", "name", "old-"+testsupport.Unique())
		}
		part, off := lastEventPosition(t, a, ann.ID)
		deleteEventsBefore(t, a, part, off)
		cases := map[string]struct{ after, code string }{
			"malformed":         {"not a cursor!", "BAD_USER_INPUT"},
			"unknown partition": {cursor.Position{999: 0}.Encode(), "BAD_USER_INPUT"},
			"too old":           {cursor.Position{part: off - 2}.Encode(), "CURSOR_EXPIRED"},
		}
		ws := a.ws(t, ann.Token)
		for name, c := range cases {
			ws.subscribe(name, resumePersonQuery, map[string]any{"p": ann.ID, "after": c.after})
			m := ws.nextFor(name)
			raw, _ := json.Marshal(m)
			// gqlgen answers a subscription's resolver error as one "next"
			// with errors and no data, then "complete".
			if m["type"] != "next" || !strings.Contains(string(raw), `"data":null`) || !strings.Contains(string(raw), `"code":"`+c.code+`"`) {
				t.Errorf("%s cursor: got %s, want an error with code %s", name, raw, c.code)
			}
			if end := ws.nextFor(name); end["type"] != "complete" {
				t.Errorf("%s cursor: after the error got %v, want complete", name, end)
			}
		}
		// The oldest retained event still resumes.
		ws.subscribe("ok", resumePersonQuery, map[string]any{"p": ann.ID, "after": cursor.Position{part: off - 1}.Encode()})
		var ev struct{ PersonEvents struct{ Cursor string } }
		ws.next("ok", &ev)
		if ev.PersonEvents.Cursor != (cursor.Position{part: off}).Encode() {
			t.Fatalf("resume at the oldest retained event: cursor %q", ev.PersonEvents.Cursor)
		}
	})
}
