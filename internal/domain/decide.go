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
}

// Policy holds the rules that are configuration rather than code.
type Policy struct {
	// WelcomeCoins is minted for every new person (0: none).
	WelcomeCoins int64
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
		t := EvInterestAdded
		if !add {
			t = EvInterestRemoved
		}
		ev, err := newEvent(cmd, 0, t, now, InterestData{PersonID: cmd.Actor, Interest: name})
		if err != nil {
			return Outcome{}, err
		}
		return applied(ev)
	case CmdTransferCoins:
		return decideTransfer(ctx, s, cmd, now)
	case CmdFollow, CmdUnfollow:
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
		}
		has, err := s.Follows(ctx, cmd.Actor, p.PersonID)
		if err != nil {
			return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
		}
		if has == follow {
			return applied()
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
	return reject(ReasonInvalidPayload)
}

func decodePayload(cmd Command, v any) error {
	if len(cmd.Payload) == 0 {
		return fmt.Errorf("command %s has no payload", cmd.ID)
	}
	return jsonUnmarshalStrict(cmd.Payload, v)
}
