package app

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// AddInterest declares an interest of the caller.
func (a *App) AddInterest(ctx context.Context, name string) (Receipt, error) {
	return a.interest(ctx, actAddInterest, domain.CmdAddInterest, name)
}

// RemoveInterest withdraws an interest of the caller.
func (a *App) RemoveInterest(ctx context.Context, name string) (Receipt, error) {
	return a.interest(ctx, actRemoveInterest, domain.CmdRemoveInterest, name)
}

func (a *App) interest(ctx context.Context, act Action, t domain.CommandType, raw string) (Receipt, error) {
	id, err := authorize(ctx, act, "")
	if err != nil {
		return Receipt{}, err
	}
	name, err := domain.NormalizeInterest(raw)
	if err != nil {
		return Receipt{}, err
	}
	cmd, err := domain.NewCommand(t, id.PersonID, domain.InterestPayload{Interest: name}, a.now())
	if err != nil {
		return Receipt{}, err
	}
	return a.dispatch(ctx, cmd)
}

// Follow makes the caller follow personID.
func (a *App) Follow(ctx context.Context, personID string) (Receipt, error) {
	return a.follow(ctx, actFollow, domain.CmdFollow, personID)
}

// Unfollow makes the caller stop following personID.
func (a *App) Unfollow(ctx context.Context, personID string) (Receipt, error) {
	return a.follow(ctx, actUnfollow, domain.CmdUnfollow, personID)
}

func (a *App) follow(ctx context.Context, act Action, t domain.CommandType, personID string) (Receipt, error) {
	id, err := authorize(ctx, act, "")
	if err != nil {
		return Receipt{}, err
	}
	if _, err := domain.ParsePersonID("personId", personID); err != nil {
		return Receipt{}, err
	}
	if personID == id.PersonID {
		return Receipt{}, domain.Invalid("personId", "you cannot follow yourself")
	}
	cmd, err := domain.NewCommand(t, id.PersonID, domain.FollowPayload{PersonID: personID}, a.now())
	if err != nil {
		return Receipt{}, err
	}
	return a.dispatch(ctx, cmd)
}

// CommandReceipt returns the outcome of one of the caller's commands: ACCEPTED
// while it is not decided yet (or unknown), else its recorded outcome.
func (a *App) CommandReceipt(ctx context.Context, commandID string) (Receipt, error) {
	id, err := authorize(ctx, actCommandReceipt, "")
	if err != nil {
		return Receipt{}, err
	}
	issued, err := domain.ParseCommandID("commandId", commandID)
	if err != nil {
		return Receipt{}, err
	}
	out, actor, found, err := a.reader.CommandOutcome(ctx, commandID)
	if err != nil {
		return Receipt{}, err
	}
	if found && !permits(id, actCommandOutcome, actor) {
		return Receipt{}, auth.ErrForbidden
	}
	if !found {
		// A keyed id carries no time (domain.KeyedCommandID): while it has
		// no outcome it may be queued for as long as the topic keeps it, so
		// the caller's own keyed ids stay ACCEPTED; repeating the mutation
		// with its key is safe whatever happened to it.
		if !a.mayBeQueued(issued) && !domain.KeyedBy(commandID, id.PersonID) {
			return Receipt{}, domain.NotFound("no command %s: it has no outcome and is too old (or too new) to be waiting in the queue", commandID)
		}
		return Receipt{CommandID: commandID, Status: domain.StatusAccepted}, nil
	}
	return Receipt{CommandID: commandID, Status: out.Status, Reason: out.Reason}, nil
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
func (a *App) mayBeQueued(issued time.Time) bool {
	if issued.IsZero() {
		return false
	}
	retention := a.cfg.CommandRetention
	if retention <= 0 {
		retention = DefaultCommandRetention
	}
	now := a.now()
	return issued.Before(now.Add(clockSkew)) && now.Sub(issued) <= retention
}
