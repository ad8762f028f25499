package domain

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// CmdMarkNotificationsRead marks the actor's notification UpTo and every
// older one as read.
const CmdMarkNotificationsRead CommandType = "MarkNotificationsRead"

// EvNotificationsRead records that the subject read its notifications up
// to one of them.
const EvNotificationsRead EventType = "NotificationsRead"

// MarkReadPayload is the payload of CmdMarkNotificationsRead.
type MarkReadPayload struct {
	UpTo string `json:"upTo"`
}

// NotificationsReadData is the data of EvNotificationsRead.
type NotificationsReadData struct {
	PersonID string `json:"personId"`
	UpTo     string `json:"upTo"`
}

// Notification kinds; the GraphQL enum NotificationKind mirrors them.
const (
	NotificationFollowed      = "FOLLOWED"
	NotificationCoinsReceived = "COINS_RECEIVED"
)

// Notification is what an event tells its recipient. Its id is the id of
// the event.
type Notification struct {
	ID        string
	Recipient string
	Kind      string
	ActorID   string
	Amount    int64
	At        time.Time
}

// NotificationOf returns the notification ev means, if any: being
// followed, receiving coins. The welcome grant is not one. Both stores
// and live delivery decide by this one function.
func NotificationOf(ev Event) (Notification, bool) {
	n := Notification{ID: ev.ID, At: ev.At}
	switch ev.Type {
	case EvFollowed:
		var d FollowData
		if ev.DecodeData(&d) != nil {
			return Notification{}, false
		}
		n.Recipient, n.Kind, n.ActorID = d.FolloweeID, NotificationFollowed, d.FollowerID
	case EvCoinsTransferred:
		var d CoinsTransferredData
		if ev.DecodeData(&d) != nil {
			return Notification{}, false
		}
		n.Recipient, n.Kind, n.ActorID, n.Amount = d.To, NotificationCoinsReceived, d.From, d.Amount
	default:
		return Notification{}, false
	}
	return n, true
}

// ParseNotificationID checks that id is a canonical UUID (event ids are).
func ParseNotificationID(field, id string) (string, error) {
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return "", Invalid(field, "%q is not a valid notification id", truncate(id, 64))
	}
	return id, nil
}

// decideMarkRead accepts a notification of the actor's inbox. Any other
// id is refused by name: marking nothing while answering APPLIED would
// tell a client its mistaken id had worked.
func decideMarkRead(ctx context.Context, _ Policy, s State, cmd Command, p MarkReadPayload, now time.Time) (Outcome, error) {
	if _, err := ParseNotificationID("upTo", p.UpTo); err != nil {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	has, err := s.HasNotification(ctx, cmd.Actor, p.UpTo)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	if !has {
		return Rejected(cmd, ReasonNotificationNotFound), nil
	}
	ev, err := newEvent(cmd, 0, EvNotificationsRead, now, NotificationsReadData{PersonID: cmd.Actor, UpTo: p.UpTo})
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	return applied(cmd, ev), nil
}
