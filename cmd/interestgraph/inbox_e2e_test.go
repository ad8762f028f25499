package main

import (
	"fmt"
	"testing"
)

type inboxPage struct {
	Notifications struct {
		TotalCount int
		Edges      []struct {
			Cursor string
			Node   struct {
				ID, Kind, Cursor string
				Amount           *int
				Read             bool
				Actor            struct{ ID string }
			}
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
	UnreadNotificationCount int
}

const inboxQuery = `query($first: Int, $after: String, $unread: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unread) {
    totalCount edges { cursor node { id kind cursor amount read actor { id } } } pageInfo { hasNextPage endCursor }
  }
  unreadNotificationCount
}`

func (p inboxPage) kinds() []string {
	var out []string
	for _, e := range p.Notifications.Edges {
		out = append(out, fmt.Sprintf("%s/%s/%v", e.Node.Kind, e.Node.Actor.ID, e.Node.Read))
	}
	return out
}

// TestInboxThroughTheAPI: notifications sent while their recipient was
// offline wait in the inbox, newest first, paged, counted and marked read;
// nobody sees another's inbox.
func TestInboxThroughTheAPI(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann, bob, carl := rs.register(t, "Ann"), rs.register(t, "Bob"), rs.register(t, "Carl")
		pay := func(from registered, to string, amount int) {
			var out struct{ TransferCoins receipt }
			rs.must(t, from.Token, `mutation($to: ID!, $a: Int!) { transferCoins(to: $to, amount: $a) { commandId status } }`,
				map[string]any{"to": to, "a": amount}, &out)
			if out.TransferCoins.Status != "APPLIED" {
				t.Fatalf("transfer: %+v", out)
			}
		}
		if r := rs.mutate(t, ann.Token, "follow", "personId", bob.ID); r.Status != "APPLIED" {
			t.Fatalf("follow: %+v", r)
		}
		pay(ann, bob.ID, 5)
		pay(carl, bob.ID, 7)

		var pg inboxPage
		rs.must(t, bob.Token, inboxQuery, map[string]any{"first": 2}, &pg)
		want := []string{"COINS_RECEIVED/" + carl.ID + "/false", "COINS_RECEIVED/" + ann.ID + "/false", "FOLLOWED/" + ann.ID + "/false"}
		if fmt.Sprint(pg.kinds()) != fmt.Sprint(want[:2]) || pg.Notifications.TotalCount != 3 || !pg.Notifications.PageInfo.HasNextPage || pg.UnreadNotificationCount != 3 {
			t.Fatalf("Bob's first page: %v total=%d next=%v unread=%d, want %v of 3, 3 unread", pg.kinds(), pg.Notifications.TotalCount,
				pg.Notifications.PageInfo.HasNextPage, pg.UnreadNotificationCount, want[:2])
		}
		if a := pg.Notifications.Edges[0].Node.Amount; a == nil || *a != 7 {
			t.Fatalf("newest notification's amount: %v", a)
		}
		second := pg.Notifications.Edges[1].Node.ID
		var rest inboxPage
		rs.must(t, bob.Token, inboxQuery, map[string]any{"first": 2, "after": *pg.Notifications.PageInfo.EndCursor}, &rest)
		if fmt.Sprint(rest.kinds()) != fmt.Sprint(want[2:]) || rest.Notifications.PageInfo.HasNextPage {
			t.Fatalf("Bob's second page: %v next=%v, want %v", rest.kinds(), rest.Notifications.PageInfo.HasNextPage, want[2:])
		}

		var mark struct{ MarkNotificationsRead receipt }
		rs.must(t, bob.Token, `mutation($id: ID!) { markNotificationsRead(upTo: $id) { status } }`, map[string]any{"id": second}, &mark)
		if mark.MarkNotificationsRead.Status != "APPLIED" {
			t.Fatalf("markNotificationsRead: %+v", mark)
		}
		rs.must(t, bob.Token, inboxQuery, map[string]any{"first": 10}, &pg)
		read := []string{want[0], "COINS_RECEIVED/" + ann.ID + "/true", "FOLLOWED/" + ann.ID + "/true"}
		if fmt.Sprint(pg.kinds()) != fmt.Sprint(read) || pg.UnreadNotificationCount != 1 {
			t.Fatalf("after marking the second read: %v unread=%d, want %v and 1 unread", pg.kinds(), pg.UnreadNotificationCount, read)
		}
		rs.must(t, bob.Token, inboxQuery, map[string]any{"unread": true}, &pg)
		if fmt.Sprint(pg.kinds()) != fmt.Sprint(want[:1]) || pg.Notifications.TotalCount != 1 {
			t.Fatalf("unread only: %v total=%d", pg.kinds(), pg.Notifications.TotalCount)
		}

		// Nobody else sees Bob's inbox, nor marks it.
		for _, other := range []registered{ann, carl} {
			var theirs inboxPage
			rs.must(t, other.Token, inboxQuery, nil, &theirs)
			if len(theirs.Notifications.Edges) != 0 || theirs.UnreadNotificationCount != 0 {
				t.Fatalf("%s's inbox shows %v", other.ID, theirs.kinds())
			}
		}
		var refused struct {
			MarkNotificationsRead struct{ Status, Reason string }
		}
		rs.must(t, ann.Token, `mutation($id: ID!) { markNotificationsRead(upTo: $id) { status reason } }`, map[string]any{"id": pg.Notifications.Edges[0].Node.ID}, &refused)
		if r := refused.MarkNotificationsRead; r.Status != "REJECTED" || r.Reason != "NOTIFICATION_NOT_FOUND" {
			t.Fatalf("Ann marking Bob's notification: %+v, want REJECTED NOTIFICATION_NOT_FOUND", r)
		}
		rs.must(t, bob.Token, inboxQuery, nil, &pg)
		if pg.UnreadNotificationCount != 1 {
			t.Fatalf("Ann marked Bob's notification read: unread %d", pg.UnreadNotificationCount)
		}

		for name, c := range map[string]struct {
			token, query string
			vars         map[string]any
			code         string
		}{
			"first 0":          {bob.Token, inboxQuery, map[string]any{"first": 0}, "BAD_USER_INPUT"},
			"first 101":        {bob.Token, inboxQuery, map[string]any{"first": 101}, "BAD_USER_INPUT"},
			"malformed after":  {bob.Token, inboxQuery, map[string]any{"after": "garbage"}, "BAD_USER_INPUT"},
			"another's cursor": {ann.Token, inboxQuery, map[string]any{"after": *pg.Notifications.PageInfo.EndCursor}, "BAD_USER_INPUT"},
			"malformed upTo":   {bob.Token, `mutation { markNotificationsRead(upTo: "x") { status } }`, nil, "BAD_USER_INPUT"},
			"signed out":       {"", inboxQuery, nil, "UNAUTHENTICATED"},
			"signed out count": {"", `{ unreadNotificationCount }`, nil, "UNAUTHENTICATED"},
		} {
			if r := rs.do(t, c.token, c.query, c.vars); r.code() != c.code {
				t.Errorf("%s: got %q %+v, want %s", name, r.code(), r.Errors, c.code)
			}
		}
	})
}
