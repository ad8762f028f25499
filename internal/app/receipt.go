package app

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// CommandReceipt asks for the outcome of one of the caller's commands.
type CommandReceipt struct{ CommandID string }

// commandReceipt answers ACCEPTED while the command is not decided yet
// (or unknown), else its recorded outcome; another's command is FORBIDDEN
// (actCommandOutcome).
func (s *service) commandReceipt(ctx context.Context, id caller.Identity, q CommandReceipt) (Receipt, error) {
	issued, err := domain.ParseCommandID("commandId", q.CommandID)
	if err != nil {
		return Receipt{}, err
	}
	out, actor, found, err := s.reader.CommandOutcome(ctx, q.CommandID)
	if err != nil {
		return Receipt{}, err
	}
	if found && !permits(id, actCommandOutcome, actor) {
		return Receipt{}, caller.ErrForbidden
	}
	if !found {
		// A keyed id carries no time (domain.KeyedCommandID): while it has
		// no outcome it may be queued for as long as the topic keeps it, so
		// the caller's own keyed ids stay ACCEPTED; repeating the mutation
		// with its key is safe whatever happened to it.
		if !s.mayBeQueued(issued) && !domain.KeyedBy(q.CommandID, id.PersonID) {
			return Receipt{}, domain.NotFound("no command %s: it has no outcome and is too old (or too new) to be waiting in the queue", q.CommandID)
		}
		return Receipt{CommandID: q.CommandID, Status: domain.StatusAccepted}, nil
	}
	return Receipt{CommandID: q.CommandID, Status: out.Status, Reason: out.Reason}, nil
}

// clockSkew is how far ahead of this gateway's clock another gateway's ids
// may be.
const clockSkew = time.Minute

// mayBeQueued reports whether a command issued at issued could still be
// waiting for its outcome. Command ids are UUIDv7, so their time bounds
// the wait: a command older than the commands topic's retention can no
// longer be decided. Anything shorter would be a guess, and a wrong
// NOT_FOUND makes a client repeat a transfer that is only queued behind a
// store outage. An id that is not a UUIDv7 (zero time) was never issued.
func (s *service) mayBeQueued(issued time.Time) bool {
	if issued.IsZero() {
		return false
	}
	retention := s.cfg.CommandRetention
	if retention <= 0 {
		retention = DefaultCommandRetention
	}
	now := s.now()
	return issued.Before(now.Add(clockSkew)) && now.Sub(issued) <= retention
}
