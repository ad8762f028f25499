package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Notifications returns a page of the caller's own inbox, newest first;
// nobody reads another's. first is checked by the caller (1–100).
func (a *App) Notifications(ctx context.Context, first int, after string, unreadOnly bool) (store.NotificationPage, error) {
	id, err := authorize(ctx, actNotifications, "")
	if err != nil {
		return store.NotificationPage{}, err
	}
	if after != "" {
		if _, err := domain.ParseNotificationID("after", after); err != nil {
			return store.NotificationPage{}, domain.Invalid("after", "malformed cursor")
		}
	}
	return a.reader.Notifications(ctx, id.PersonID, store.NotificationQuery{First: first, After: after, UnreadOnly: unreadOnly,
		Since: a.now().Add(-a.cfg.NotificationRetention)})
}

// UnreadNotificationCount counts the caller's unread notifications.
func (a *App) UnreadNotificationCount(ctx context.Context) (int, error) {
	id, err := authorize(ctx, actUnreadNotificationCount, "")
	if err != nil {
		return 0, err
	}
	return a.reader.UnreadNotificationCount(ctx, id.PersonID, a.now().Add(-a.cfg.NotificationRetention))
}

// MarkNotificationsRead marks the caller's notification upTo and every
// older one as read: a command like every other write.
func (a *App) MarkNotificationsRead(ctx context.Context, upTo string) (Receipt, error) {
	id, err := authorize(ctx, actMarkNotificationsRead, "")
	if err != nil {
		return Receipt{}, err
	}
	if _, err := domain.ParseNotificationID("upTo", upTo); err != nil {
		return Receipt{}, err
	}
	cmd, err := domain.NewCommand(domain.CmdMarkNotificationsRead, id.PersonID, domain.MarkReadPayload{UpTo: upTo}, a.now())
	if err != nil {
		return Receipt{}, err
	}
	return a.dispatch(ctx, cmd)
}
