package app

import (
	"context"
	"log/slog"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// The subscriptions are streamed by the transport from the hub; the
// application decides who may open them and filters what the caller's
// notifications may carry.

// NotificationFeed is the caller's notifications subscription.
type NotificationFeed struct {
	// Recipient is the caller, whose notifications the feed carries.
	Recipient string
	reader    Reader
}

// OpenNotifications opens the notifications subscription of the caller.
type OpenNotifications struct{}

// OpenPersonEvents opens the public events of one person.
type OpenPersonEvents struct{ PersonID string }

// OpenGraphEvents opens every event of the graph.
type OpenGraphEvents struct{}

func (s *service) openNotifications(_ context.Context, caller caller.Identity, _ OpenNotifications) (NotificationFeed, error) {
	return NotificationFeed{Recipient: caller.PersonID, reader: s.reader}, nil
}

func (s *service) openPersonEvents(_ context.Context, _ caller.Identity, q OpenPersonEvents) (struct{}, error) {
	_, err := domain.ParsePersonID("personId", q.PersonID)
	return struct{}{}, err
}

func (s *service) openGraphEvents(context.Context, caller.Identity, OpenGraphEvents) (struct{}, error) {
	return struct{}{}, nil
}

// Suppressed is the one filter every notification path uses (live
// subscriptions, and a stored inbox): true when the feed's recipient is to
// get no notification caused by actor, because one of them blocks the
// other or the recipient mutes the actor. If the store cannot answer, the
// notification is dropped: a lost notification is better than one from a
// blocked person.
func (f NotificationFeed) Suppressed(ctx context.Context, actor string) bool {
	if f.Recipient == "" || actor == "" {
		return false
	}
	rels, err := f.reader.Relationships(ctx, f.Recipient, []string{actor})
	if err != nil {
		slog.WarnContext(ctx, "notification filter: relationship unreadable; notification dropped", "err", err)
		return true
	}
	rel := rels[actor]
	return rel.Blocking || rel.BlockedBy || rel.Muting
}
