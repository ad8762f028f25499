package domain

import (
	"context"
	"fmt"
	"time"
)

// decideFollow decides Follow and Unfollow.
func decideFollow(ctx context.Context, pol Policy, s State, cmd Command, p FollowPayload, now time.Time) (Outcome, error) {
	if _, err := ParsePersonID("personId", p.PersonID); err != nil {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	if p.PersonID == cmd.Actor {
		return Rejected(cmd, ReasonSelfFollow), nil
	}
	follow := cmd.Type == CmdFollow
	if follow {
		ok, err := s.PersonExists(ctx, p.PersonID)
		if err != nil {
			return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
		}
		if !ok {
			return Rejected(cmd, ReasonPersonNotFound), nil
		}
		// A block in either direction forbids the follow; unfollowing is
		// always allowed.
		if blocked, err := blockedPair(ctx, s, cmd.Actor, p.PersonID); err != nil || blocked {
			return blockedOutcome(cmd, err)
		}
	}
	has, err := s.Follows(ctx, cmd.Actor, p.PersonID)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	if has == follow {
		return applied(cmd), nil
	}
	if follow {
		if full, err := atLimit(ctx, s.FollowingCount, cmd.Actor, pol.MaxFollows, MaxFollowsPerPerson); err != nil || full {
			return limitOutcome(cmd, full, err)
		}
	}
	t := EvFollowed
	if !follow {
		t = EvUnfollowed
	}
	ev, err := newEvent(cmd, 0, t, now, FollowData{FollowerID: cmd.Actor, FolloweeID: p.PersonID})
	if err != nil {
		return Outcome{}, err
	}
	return applied(cmd, ev), nil
}
