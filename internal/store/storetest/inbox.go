package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

func inbox(t *testing.T, s store.GraphStore, id string, q store.NotificationQuery) store.NotificationPage {
	t.Helper()
	if q.First == 0 {
		q.First = 100
	}
	pg, err := s.Notifications(ctx(t), id, q)
	if err != nil {
		t.Fatalf("notifications of %s: %v", id, err)
	}
	return pg
}

func unread(t *testing.T, s store.GraphStore, id string) int {
	t.Helper()
	n, err := s.UnreadNotificationCount(ctx(t), id, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func kinds(pg store.NotificationPage) []string {
	var out []string
	for _, n := range pg.Notifications {
		out = append(out, n.Kind+"/"+n.ActorID)
	}
	return out
}

// testInbox: notifications are stored for their recipient only, newest
// first, paged, counted and marked read; the welcome grant is none;
// applying the same events again adds nothing.
func testInbox(t *testing.T, s store.GraphStore) {
	ann, bob, carl := register(t, s, "Ann"), register(t, s, "Bob"), register(t, s, "Carl")
	follow := exec(t, s, domain.CmdFollow, ann, domain.FollowPayload{PersonID: bob})
	transfer(t, s, ann, bob, 5)
	transfer(t, s, carl, bob, 7)
	exec(t, s, domain.CmdFollow, carl, domain.FollowPayload{PersonID: ann})
	transfer(t, s, bob, carl, 500) // rejected: no notification

	pg := inbox(t, s, bob, store.NotificationQuery{})
	want := []string{"COINS_RECEIVED/" + carl, "COINS_RECEIVED/" + ann, "FOLLOWED/" + ann}
	if got := kinds(pg); !equal(got, want) || pg.TotalCount != 3 || pg.HasNext {
		t.Fatalf("Bob's inbox: %v (total %d, next %v), want newest first %v", got, pg.TotalCount, pg.HasNext, want)
	}
	if n := pg.Notifications[0]; n.Amount != 7 || n.Read || n.At.IsZero() || n.ID == "" {
		t.Fatalf("newest notification: %+v", n)
	}
	if got := kinds(inbox(t, s, ann, store.NotificationQuery{})); !equal(got, []string{"FOLLOWED/" + carl}) {
		t.Fatalf("Ann's inbox holds %v: only Carl's follow is hers", got)
	}
	if got := inbox(t, s, carl, store.NotificationQuery{}); len(got.Notifications) != 0 {
		t.Fatalf("Carl's inbox holds %v; he was told of nothing (a rejected transfer, a welcome grant)", kinds(got))
	}
	// Paging.
	first := inbox(t, s, bob, store.NotificationQuery{First: 2})
	if len(first.Notifications) != 2 || !first.HasNext || first.TotalCount != 3 {
		t.Fatalf("first page: %v next=%v total=%d", kinds(first), first.HasNext, first.TotalCount)
	}
	rest := inbox(t, s, bob, store.NotificationQuery{First: 2, After: first.Notifications[1].ID})
	if !equal(kinds(rest), want[2:]) || rest.HasNext {
		t.Fatalf("second page: %v next=%v", kinds(rest), rest.HasNext)
	}
	if _, err := s.Notifications(ctx(t), ann, store.NotificationQuery{First: 2, After: first.Notifications[1].ID}); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("paging Ann's inbox after Bob's notification: %v, want BAD_USER_INPUT", err)
	}
	// Redelivered events change nothing.
	if err := s.ApplyEvents(ctx(t), follow.Events); err != nil {
		t.Fatal(err)
	}
	if n := unread(t, s, bob); n != 3 {
		t.Fatalf("unread after re-applying an event: %d, want 3", n)
	}
	// Marking read: the middle one and everything older.
	if out := exec(t, s, domain.CmdMarkNotificationsRead, bob, domain.MarkReadPayload{UpTo: pg.Notifications[1].ID}); out.Status != domain.StatusApplied {
		t.Fatalf("mark read: %+v", out)
	}
	if n := unread(t, s, bob); n != 1 {
		t.Fatalf("unread after marking two read: %d, want 1", n)
	}
	if got := kinds(inbox(t, s, bob, store.NotificationQuery{UnreadOnly: true})); !equal(got, want[:1]) {
		t.Fatalf("unread only: %v, want %v", got, want[:1])
	}
	// Someone else's id, or one nobody has, marks nothing and is refused
	// by name, so a client learns its id was wrong.
	for _, id := range []string{pg.Notifications[0].ID, uuid.NewString()} {
		out := exec(t, s, domain.CmdMarkNotificationsRead, ann, domain.MarkReadPayload{UpTo: id})
		if out.Status != domain.StatusRejected || out.Reason != domain.ReasonNotificationNotFound {
			t.Fatalf("Ann marking a notification that is not hers: %+v, want REJECTED %s", out, domain.ReasonNotificationNotFound)
		}
	}
	if n := unread(t, s, bob); n != 1 {
		t.Fatalf("Ann marked Bob's notifications: unread %d", n)
	}
	if n := unread(t, s, ann); n != 1 {
		t.Fatalf("Ann's unread after naming another's notification: %d, want 1", n)
	}
	// Retention: what is older than Since is gone.
	if pg := inbox(t, s, bob, store.NotificationQuery{Since: time.Now().Add(time.Hour)}); len(pg.Notifications) != 0 || pg.TotalCount != 0 {
		t.Fatalf("aged-out notifications still shown: %v", kinds(pg))
	}
	if n, _ := s.UnreadNotificationCount(ctx(t), bob, time.Now().Add(time.Hour)); n != 0 {
		t.Fatalf("aged-out notifications still counted: %d", n)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// testInboxHonoursBlocksAndMutes: a person gets no stored notification
// caused by someone they block or mute, as none is delivered live; others
// still reach them.
func testInboxHonoursBlocksAndMutes(t *testing.T, s store.GraphStore) {
	ann, muted, blocked, carl := register(t, s, "Ann"), register(t, s, "Muted"), register(t, s, "Blocked"), register(t, s, "Carl")
	relate(t, s, domain.CmdMute, ann, muted)
	relate(t, s, domain.CmdBlock, ann, blocked)
	follow(t, s, muted, ann)
	transfer(t, s, muted, ann, 3)
	follow(t, s, carl, ann)
	if got := kinds(inbox(t, s, ann, store.NotificationQuery{})); !equal(got, []string{"FOLLOWED/" + carl}) {
		t.Fatalf("Ann's inbox holds %v: only Carl's follow, nothing from whom she mutes or blocks", got)
	}
	if n := unread(t, s, ann); n != 1 {
		t.Fatalf("unread %d, want 1", n)
	}

	// What arrived before a mute or block is hidden from then on, listed
	// and counted alike; a page after a hidden notification still works.
	dave, eve := register(t, s, "Dave"), register(t, s, "Eve")
	follow(t, s, dave, ann)
	transfer(t, s, eve, ann, 2)
	before := inbox(t, s, ann, store.NotificationQuery{})
	if len(before.Notifications) != 3 || unread(t, s, ann) != 3 {
		t.Fatalf("Ann's inbox before muting Dave and blocking Eve: %v", kinds(before))
	}
	hiddenCursor := before.Notifications[0].ID // Eve's coins
	relate(t, s, domain.CmdMute, ann, dave)
	relate(t, s, domain.CmdBlock, ann, eve)
	after := inbox(t, s, ann, store.NotificationQuery{})
	if got := kinds(after); !equal(got, []string{"FOLLOWED/" + carl}) || after.TotalCount != 1 {
		t.Fatalf("after muting Dave and blocking Eve, Ann's inbox holds %v (total %d): only Carl's follow", got, after.TotalCount)
	}
	if n := unread(t, s, ann); n != 1 {
		t.Fatalf("unread after muting and blocking: %d, want 1", n)
	}
	if pg := inbox(t, s, ann, store.NotificationQuery{After: hiddenCursor}); !equal(kinds(pg), []string{"FOLLOWED/" + carl}) {
		t.Fatalf("page after a now hidden notification: %v", kinds(pg))
	}
	relate(t, s, domain.CmdUnmute, ann, dave)
	if got := kinds(inbox(t, s, ann, store.NotificationQuery{})); !equal(got, []string{"FOLLOWED/" + dave, "FOLLOWED/" + carl}) {
		t.Fatalf("after unmuting Dave: %v, want his follow shown again", got)
	}
}

// MarkReadAfterRetention: a notification older than the inbox's retention
// is no longer its recipient's to mark, even before a newer notification
// prunes it. s must be the caller's own instance: its retention is
// changed.
func MarkReadAfterRetention[S interface {
	store.GraphStore
	store.RetentionSetter
}](t *testing.T, s S) {
	ann, bob := register(t, s, "Ann"), register(t, s, "Bob")
	exec(t, s, domain.CmdFollow, ann, domain.FollowPayload{PersonID: bob})
	pg := inbox(t, s, bob, store.NotificationQuery{})
	if len(pg.Notifications) != 1 {
		t.Fatalf("Bob's inbox: %v, want Ann's follow", kinds(pg))
	}
	id := pg.Notifications[0].ID
	if out := exec(t, s, domain.CmdMarkNotificationsRead, bob, domain.MarkReadPayload{UpTo: id}); out.Status != domain.StatusApplied {
		t.Fatalf("marking a current notification read: %+v", out)
	}
	s.SetNotificationRetention(50 * time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	out := exec(t, s, domain.CmdMarkNotificationsRead, bob, domain.MarkReadPayload{UpTo: id})
	if out.Status != domain.StatusRejected || out.Reason != domain.ReasonNotificationNotFound {
		t.Fatalf("marking an aged-out notification read: %+v, want REJECTED %s", out, domain.ReasonNotificationNotFound)
	}
}
