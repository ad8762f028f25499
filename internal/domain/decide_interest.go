package domain

import (
	"context"
	"fmt"
	"time"
)

// decideInterest decides AddInterest and RemoveInterest.
func decideInterest(ctx context.Context, pol Policy, s State, cmd Command, p InterestPayload, now time.Time) (Outcome, error) {
	name, err := NormalizeInterest(p.Interest)
	if err != nil {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	has, err := s.HasInterest(ctx, cmd.Actor, name)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	add := cmd.Type == CmdAddInterest
	if has == add {
		return applied(cmd), nil
	}
	if add {
		if full, err := atLimit(ctx, s.InterestCount, cmd.Actor, pol.MaxInterests, MaxInterestsPerPerson); err != nil || full {
			return limitOutcome(cmd, full, err)
		}
	}
	t := EvInterestAdded
	if !add {
		t = EvInterestRemoved
	}
	ev, err := newEvent(cmd, 0, t, now, InterestData{PersonID: cmd.Actor, Interest: name})
	if err != nil {
		return Outcome{}, err
	}
	return applied(cmd, ev), nil
}
