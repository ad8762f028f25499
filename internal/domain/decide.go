package domain

import (
	"context"
	"fmt"
	"time"
)

// Status is the outcome of a command.
type Status string

const (
	StatusAccepted Status = "ACCEPTED"
	StatusApplied  Status = "APPLIED"
	StatusRejected Status = "REJECTED"
)

// Reason codes of REJECTED outcomes; documented in the README. Never rename.
const (
	ReasonActorNotFound  = "ACTOR_NOT_FOUND"
	ReasonPersonNotFound = "PERSON_NOT_FOUND"
	ReasonSelfFollow     = "SELF_FOLLOW"
	ReasonInvalidPayload = "INVALID_PAYLOAD"
	// ReasonInsufficientFunds: the sender's balance does not cover the
	// transfer. The store decides it, under the database's lock.
	ReasonInsufficientFunds = "INSUFFICIENT_FUNDS"
	ReasonRecipientNotFound = "RECIPIENT_NOT_FOUND"
	ReasonSelfTransfer      = "SELF_TRANSFER"
	// ReasonUnprocessable: the command failed every attempt while the
	// store was healthy and was set aside on the dead-letter topic.
	ReasonUnprocessable = "UNPROCESSABLE"
	// ReasonLimitReached: the person holds as many interests or follows
	// as a person may (Policy.MaxInterests, Policy.MaxFollows).
	ReasonLimitReached = "LIMIT_REACHED"
)

// Per-person limits that a human never meets and a script does: they keep
// one account from growing the graph (and every read of it) without bound.
const (
	MaxInterestsPerPerson = 1_000
	MaxFollowsPerPerson   = 10_000
)

// Outcome is what became of a command.
type Outcome struct {
	CommandID string   `json:"commandId"`
	Status    Status   `json:"status"`
	Reason    string   `json:"reason,omitempty"`
	Events    []Event  `json:"events,omitempty"`
	Bookmarks []string `json:"bookmarks,omitempty"`
}

// State is the part of the graph a decision reads. Implementations answer
// inside the same transaction that will apply the decision.
type State interface {
	PersonExists(ctx context.Context, id string) (bool, error)
	Follows(ctx context.Context, followerID, followeeID string) (bool, error)
	HasInterest(ctx context.Context, personID, interest string) (bool, error)
	// InterestCount and FollowingCount count what personID holds (its
	// interests, the persons it follows), for the per-person limits.
	InterestCount(ctx context.Context, personID string) (int, error)
	FollowingCount(ctx context.Context, personID string) (int, error)
	// Related reports whether from holds the private relation rel
	// (block, mute, dismissal) towards to.
	Related(ctx context.Context, from, to string, rel Relation) (bool, error)
}

// Policy holds the rules that are configuration rather than code.
type Policy struct {
	// WelcomeCoins is minted for every new person (0: none).
	WelcomeCoins int64
	// MaxInterests and MaxFollows bound what one person holds (0: the
	// defaults MaxInterestsPerPerson and MaxFollowsPerPerson).
	MaxInterests, MaxFollows int
}

// DefaultPolicy grants 100 coins on registration.
var DefaultPolicy = Policy{WelcomeCoins: 100}

// Decide decides with DefaultPolicy.
func Decide(ctx context.Context, s State, cmd Command, now time.Time) (Outcome, error) {
	return DefaultPolicy.Decide(ctx, s, cmd, now)
}

// Decide turns a command into an outcome against the current state. It has
// no side effects: the caller applies the events. Commands that would change
// nothing (a second follow of the same person) are APPLIED with no events,
// which makes them idempotent by meaning as well as by id.
func (pol Policy) Decide(ctx context.Context, s State, cmd Command, now time.Time) (Outcome, error) {
	reject := func(reason string) (Outcome, error) {
		return Outcome{CommandID: cmd.ID, Status: StatusRejected, Reason: reason}, nil
	}
	applied := func(evs ...Event) (Outcome, error) {
		return Outcome{CommandID: cmd.ID, Status: StatusApplied, Events: evs}, nil
	}
	actorExists, err := s.PersonExists(ctx, cmd.Actor)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	if cmd.Type == CmdRegisterPerson {
		var p RegisterPersonPayload
		if err := decodePayload(cmd, &p); err != nil {
			return reject(ReasonInvalidPayload)
		}
		if actorExists {
			return applied()
		}
		name, err1 := NormalizeName(p.Name)
		email, err2 := NormalizeEmail(p.Email)
		if err1 != nil || err2 != nil {
			return reject(ReasonInvalidPayload)
		}
		ev, err := newEvent(cmd, 0, EvPersonRegistered, now, PersonRegisteredData{PersonID: cmd.Actor, Name: name, Email: email})
		if err != nil {
			return Outcome{}, err
		}
		if pol.WelcomeCoins <= 0 {
			return applied(ev)
		}
		grant, err := newEvent(cmd, 1, EvCoinsGranted, now, CoinsGrantedData{TransferID: cmd.ID, PersonID: cmd.Actor, Amount: pol.WelcomeCoins, Reason: GrantWelcome})
		if err != nil {
			return Outcome{}, err
		}
		return applied(ev, grant)
	}
	if !actorExists {
		return reject(ReasonActorNotFound)
	}
	switch cmd.Type {
	case CmdAddInterest, CmdRemoveInterest:
		return pol.decideInterest(ctx, s, cmd, now)
	case CmdTransferCoins:
		return decideTransfer(ctx, s, cmd, now)
	case CmdFollow, CmdUnfollow:
		return pol.decideFollow(ctx, s, cmd, now)
	case CmdUpdateProfile:
		return decideProfile(ctx, s, cmd, now)
	case CmdBlock, CmdUnblock, CmdMute, CmdUnmute, CmdDismissRecommendation:
		return decideRelation(ctx, s, cmd, now)
	case CmdDeleteAccount:
		ev, err := newEvent(cmd, 0, EvAccountDeleted, now, AccountDeletedData{PersonID: cmd.Actor})
		if err != nil {
			return Outcome{}, err
		}
		return applied(ev)
	case CmdMarkNotificationsRead:
		return decideMarkRead(ctx, cmd, now)
	}
	return reject(ReasonInvalidPayload)
}

// decideInterest decides AddInterest and RemoveInterest.
func (pol Policy) decideInterest(ctx context.Context, s State, cmd Command, now time.Time) (Outcome, error) {
	reject := func(reason string) (Outcome, error) { return Rejected(cmd, reason), nil }
	applied := func(evs ...Event) (Outcome, error) {
		return Outcome{CommandID: cmd.ID, Status: StatusApplied, Events: evs}, nil
	}
	var p InterestPayload
	if err := decodePayload(cmd, &p); err != nil {
		return reject(ReasonInvalidPayload)
	}
	name, err := NormalizeInterest(p.Interest)
	if err != nil {
		return reject(ReasonInvalidPayload)
	}
	has, err := s.HasInterest(ctx, cmd.Actor, name)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	add := cmd.Type == CmdAddInterest
	if has == add {
		return applied()
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
	return applied(ev)
}

// decideFollow decides Follow and Unfollow.
func (pol Policy) decideFollow(ctx context.Context, s State, cmd Command, now time.Time) (Outcome, error) {
	reject := func(reason string) (Outcome, error) { return Rejected(cmd, reason), nil }
	applied := func(evs ...Event) (Outcome, error) {
		return Outcome{CommandID: cmd.ID, Status: StatusApplied, Events: evs}, nil
	}
	var p FollowPayload
	if err := decodePayload(cmd, &p); err != nil {
		return reject(ReasonInvalidPayload)
	}
	if _, err := ParsePersonID("personId", p.PersonID); err != nil {
		return reject(ReasonInvalidPayload)
	}
	if p.PersonID == cmd.Actor {
		return reject(ReasonSelfFollow)
	}
	follow := cmd.Type == CmdFollow
	if follow {
		ok, err := s.PersonExists(ctx, p.PersonID)
		if err != nil {
			return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
		}
		if !ok {
			return reject(ReasonPersonNotFound)
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
		return applied()
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
	return applied(ev)
}

// atLimit reports whether personID already holds limit (or def when limit
// is 0) of what count counts. It is asked only before a change that would
// add one, so removals and repeats are never refused.
func atLimit(ctx context.Context, count func(context.Context, string) (int, error), personID string, limit, def int) (bool, error) {
	if limit <= 0 {
		limit = def
	}
	n, err := count(ctx, personID)
	if err != nil {
		return false, err
	}
	return n >= limit, nil
}

// limitOutcome answers a command that atLimit stopped: REJECTED when the
// limit is reached, the store's error otherwise.
func limitOutcome(cmd Command, full bool, err error) (Outcome, error) {
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	return Rejected(cmd, ReasonLimitReached), nil
}

// blockedOutcome answers a command that a block stopped: REJECTED BLOCKED,
// or the store's error.
func blockedOutcome(cmd Command, err error) (Outcome, error) {
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	return Rejected(cmd, ReasonBlocked), nil
}

func decodePayload(cmd Command, v any) error {
	if len(cmd.Payload) == 0 {
		return fmt.Errorf("command %s has no payload", cmd.ID)
	}
	return jsonUnmarshalStrict(cmd.Payload, v)
}
