package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Notifications asks for a page of the caller's own inbox, newest first;
// nobody reads another's. First is checked by the transport (1–100);
// After is the id of the last notification of the previous page.
type Notifications struct {
	First      int
	After      string
	UnreadOnly bool
}

// UnreadNotificationCount counts the caller's unread notifications.
type UnreadNotificationCount struct{}

// MarkNotificationsRead marks the caller's notification UpTo and every
// older one as read: a command like every other write.
type MarkNotificationsRead struct{ UpTo string }

func (s *service) notifications(ctx context.Context, caller caller.Identity, q Notifications) (store.NotificationPage, error) {
	if q.After != "" {
		if _, err := domain.ParseNotificationID("after", q.After); err != nil {
			return store.NotificationPage{}, domain.Invalid("after", "malformed cursor")
		}
	}
	return s.reader.Notifications(ctx, caller.PersonID, store.NotificationQuery{First: q.First, After: q.After, UnreadOnly: q.UnreadOnly,
		Since: s.now().Add(-s.cfg.NotificationRetention)})
}

func (s *service) unreadNotificationCount(ctx context.Context, caller caller.Identity, _ UnreadNotificationCount) (int, error) {
	return s.reader.UnreadNotificationCount(ctx, caller.PersonID, s.now().Add(-s.cfg.NotificationRetention))
}

func (s *service) markNotificationsRead(ctx context.Context, caller caller.Identity, c MarkNotificationsRead) (Receipt, error) {
	if _, err := domain.ParseNotificationID("upTo", c.UpTo); err != nil {
		return Receipt{}, err
	}
	return s.send(ctx, domain.CmdMarkNotificationsRead, caller.PersonID, domain.MarkReadPayload{UpTo: c.UpTo})
}
