package store

import (
	"context"
	"time"
)

// Inbox limits: a recipient keeps at most MaxNotifications (the oldest
// go first), and none older than the retention the store is given.
const (
	MaxNotifications             = 10_000
	DefaultNotificationRetention = 90 * 24 * time.Hour
)

// Notification is one stored notification of its recipient.
type Notification struct {
	ID      string // the id of the event that caused it
	Kind    string // domain.NotificationFollowed, domain.NotificationCoinsReceived
	ActorID string
	Amount  int64
	At      time.Time
	Read    bool
}

// NotificationQuery pages a recipient's inbox, newest first (by time, then
// id). After is the id of the last notification of the previous page.
// Since hides what retention has aged out.
type NotificationQuery struct {
	First      int
	After      string
	UnreadOnly bool
	Since      time.Time
}

// NotificationPage is one page of an inbox. TotalCount counts every
// notification the query matches, ignoring After.
type NotificationPage struct {
	Notifications []Notification
	TotalCount    int
	HasNext       bool
}

// Inbox is the read side of notifications. Stores write them when they
// apply the events that cause them (domain.NotificationOf) and mark them
// read on domain.EvNotificationsRead.
type Inbox interface {
	// Notifications returns a page of personID's inbox; an After that is
	// not in it is a BAD_USER_INPUT error.
	Notifications(ctx context.Context, personID string, q NotificationQuery) (NotificationPage, error)
	UnreadNotificationCount(ctx context.Context, personID string, since time.Time) (int, error)
}

// RetentionSetter is implemented by stores that drop notifications older
// than a retention when they write new ones (default
// DefaultNotificationRetention).
type RetentionSetter interface {
	SetNotificationRetention(d time.Duration)
}
