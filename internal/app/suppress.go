package app

import (
	"context"
	"log/slog"
)

// Suppressed asks whether Recipient is to get no notification caused by
// Actor.
type Suppressed struct {
	Recipient, Actor string
}

// Suppressed is the one filter every notification path uses (live
// subscriptions, and a stored inbox): true when one of them blocks the
// other, or the recipient mutes the actor. If the store cannot answer, the
// notification is dropped: a lost notification is better than one from a
// blocked person.
func (a *App) Suppressed(ctx context.Context, q Suppressed) (bool, error) {
	if q.Recipient == "" || q.Actor == "" {
		return false, nil
	}
	rels, err := a.reader.Relationships(ctx, q.Recipient, []string{q.Actor})
	if err != nil {
		slog.WarnContext(ctx, "notification filter: relationship unreadable; notification dropped", "err", err)
		return true, nil
	}
	rel := rels[q.Actor]
	return rel.Blocking || rel.BlockedBy || rel.Muting, nil
}
