package domain

import (
	"context"
	"time"
)

// commands is the registry of command types: every type the consumer
// accepts, with its payload type, its decider and what deciding it
// touches. DecodeCommand, Policy.Decide, Pair, Touches, IsRelationCommand
// and RelationEventOf all read it; a type that is not here is unknown.
// Adding a command type means a payload type, a decider (with its unit
// tests) and a row here, then its handler in internal/app (a request type
// and a method, built in application.go, with its row in authz.go) and its
// resolver.
var commands = map[CommandType]commandSpec{
	CmdRegisterPerson:        spec[RegisterPersonPayload]{decide: decideRegister, createsActor: true}.entry(),
	CmdAddInterest:           spec[InterestPayload]{decide: decideInterest, interest: interestName}.entry(),
	CmdRemoveInterest:        spec[InterestPayload]{decide: decideInterest, interest: interestName}.entry(),
	CmdFollow:                spec[FollowPayload]{decide: decideFollow, other: followee, paired: true}.entry(),
	CmdUnfollow:              spec[FollowPayload]{decide: decideFollow, other: followee}.entry(),
	CmdTransferCoins:         spec[TransferPayload]{decide: decideTransfer, other: recipient, paired: true}.entry(),
	CmdUpdateProfile:         spec[ProfilePayload]{decide: decideProfile}.entry(),
	CmdDeleteAccount:         spec[noPayload]{decide: decideDeleteAccount}.entry(),
	CmdMarkNotificationsRead: spec[MarkReadPayload]{decide: decideMarkRead}.entry(),
	// A block is paired: it removes the follows that another person's
	// concurrent Follow decides on.
	CmdBlock:                 relationSpec(relationRule{RelBlocks, true, EvBlocked}, true),
	CmdUnblock:               relationSpec(relationRule{RelBlocks, false, EvUnblocked}, false),
	CmdMute:                  relationSpec(relationRule{RelMutes, true, EvMuted}, false),
	CmdUnmute:                relationSpec(relationRule{RelMutes, false, EvUnmuted}, false),
	CmdDismissRecommendation: relationSpec(relationRule{RelDismissed, true, EvRecommendationDismissed}, false),
}

// decider decides one command type, given its decoded payload p. The actor
// exists, unless the type creates it. It has no side effects.
type decider[P any] func(ctx context.Context, pol Policy, s State, cmd Command, p P, now time.Time) (Outcome, error)

// spec is a command type's row in the registry as written, P its payload
// type; entry turns it into the commandSpec the registry holds.
type spec[P any] struct {
	decide decider[P]
	// createsActor: the command creates its actor, so it is decided
	// before the actor exists and, once it does, APPLIED with no events.
	createsActor bool
	// other returns the other person the payload names (the followee,
	// the recipient, the other end of a relation), whose node deciding
	// and applying the command locks; nil when there is none.
	other func(P) string
	// paired: another person's concurrent command may decide on the same
	// relation between the actor and other (see Pair).
	paired bool
	// interest returns the interest the payload names, not normalised;
	// nil when there is none.
	interest func(P) string
}

// noPayload is the payload of a command that carries none: whatever
// arrives in its place is not read.
type noPayload struct{}

// commandSpec is a command type's row in the registry.
type commandSpec struct {
	// decode decodes cmd's payload; an error means it is malformed.
	decode       func(cmd Command) (any, error)
	decide       decider[any]
	createsActor bool
	paired       bool
	other        func(p any) string // nil: names no other person
	interest     func(p any) string // nil: names no interest
	relation     *relationRule      // nil: not a relation command
}

func (s spec[P]) entry() commandSpec {
	e := commandSpec{
		decode: func(cmd Command) (any, error) {
			var p P
			if _, none := any(p).(noPayload); none {
				return p, nil
			}
			err := decodePayload(cmd, &p)
			return p, err
		},
		decide: func(ctx context.Context, pol Policy, st State, cmd Command, p any, now time.Time) (Outcome, error) {
			return s.decide(ctx, pol, st, cmd, p.(P), now)
		},
		createsActor: s.createsActor,
		paired:       s.paired,
	}
	if s.other != nil {
		e.other = func(p any) string { return s.other(p.(P)) }
	}
	if s.interest != nil {
		e.interest = func(p any) string { return s.interest(p.(P)) }
	}
	return e
}

// relationSpec is the row of a relation command, decided by r.
func relationSpec(r relationRule, paired bool) commandSpec {
	e := spec[RelationPayload]{decide: r.decide, other: relationTarget, paired: paired}.entry()
	e.relation = &r
	return e
}

func followee(p FollowPayload) string         { return p.PersonID }
func recipient(p TransferPayload) string      { return p.To }
func relationTarget(p RelationPayload) string { return p.PersonID }
func interestName(p InterestPayload) string   { return p.Interest }
