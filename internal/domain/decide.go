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
	// ReasonNotificationNotFound: markNotificationsRead named a
	// notification that is not in the actor's inbox (someone else's, made
	// up, or aged out).
	ReasonNotificationNotFound = "NOTIFICATION_NOT_FOUND"
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
	// HasNotification reports whether the notification id is in
	// personID's inbox.
	HasNotification(ctx context.Context, personID, id string) (bool, error)
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
// which makes them idempotent by meaning as well as by id. The command's
// type names its decider in the registry (commands.go); an unknown type
// is REJECTED INVALID_PAYLOAD (ACTOR_NOT_FOUND if the actor is unknown).
func (pol Policy) Decide(ctx context.Context, s State, cmd Command, now time.Time) (Outcome, error) {
	actorExists, err := s.PersonExists(ctx, cmd.Actor)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	// A command that creates its actor (RegisterPerson) is decided before
	// the actor exists; every other command needs its actor.
	c, known := commands[cmd.Type]
	if !actorExists && !c.createsActor {
		return Rejected(cmd, ReasonActorNotFound), nil
	}
	if !known {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	p, err := c.decode(cmd)
	if err != nil {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	if c.createsActor && actorExists {
		return applied(cmd), nil
	}
	return c.decide(ctx, pol, s, cmd, p, now)
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

// applied returns the outcome of cmd applied with evs (none: it changed
// nothing).
func applied(cmd Command, evs ...Event) Outcome {
	return Outcome{CommandID: cmd.ID, Status: StatusApplied, Events: evs}
}

func decodePayload(cmd Command, v any) error {
	if len(cmd.Payload) == 0 {
		return fmt.Errorf("command %s has no payload", cmd.ID)
	}
	return jsonUnmarshalStrict(cmd.Payload, v)
}
