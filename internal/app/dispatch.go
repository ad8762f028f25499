package app

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Receipt is the answer to a mutation.
type Receipt struct {
	CommandID string
	Status    domain.Status
	Reason    string
}

type asyncKey struct{}

// WithoutWaiting marks ctx so that mutations answer ACCEPTED as soon as the
// command is on the bus (the HTTP header "Prefer: respond-async").
func WithoutWaiting(ctx context.Context) context.Context {
	return context.WithValue(ctx, asyncKey{}, true)
}

// dispatch sends cmd and, unless the caller opted out, waits for its
// outcome up to the configured bound.
func (s *service) dispatch(ctx context.Context, cmd domain.Command) (Receipt, error) {
	if err := applyIdempotencyKey(ctx, &cmd); err != nil {
		return Receipt{}, err
	}
	if err := s.allowMutation(cmd); err != nil {
		return Receipt{}, err
	}
	wait, _ := ctx.Value(asyncKey{}).(bool)
	var ch <-chan domain.Outcome
	if !wait {
		var cancel func()
		ch, cancel = s.waiter.Expect(cmd.ID)
		defer cancel()
	}
	if err := s.bus.SendCommand(ctx, cmd); err != nil {
		return Receipt{}, domain.Unavailable(cmd.ID, err)
	}
	accepted := Receipt{CommandID: cmd.ID, Status: domain.StatusAccepted}
	if wait {
		return accepted, nil
	}
	t := time.NewTimer(s.cfg.WaitTimeout)
	defer t.Stop()
	select {
	case out := <-ch:
		return Receipt{CommandID: cmd.ID, Status: out.Status, Reason: out.Reason}, nil
	case <-t.C:
		return accepted, nil
	case <-ctx.Done():
		return accepted, nil
	}
}

// send builds the command of type t that actor issues with payload, and
// dispatches it.
func (s *service) send(ctx context.Context, t domain.CommandType, actor string, payload any) (Receipt, error) {
	cmd, err := domain.NewCommand(t, actor, payload, s.now())
	if err != nil {
		return Receipt{}, err
	}
	return s.dispatch(ctx, cmd)
}
