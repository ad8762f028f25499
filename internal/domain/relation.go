package domain

import (
	"context"
	"fmt"
	"time"
)

// Commands of the private relations between two persons (issue #13).
// The values travel on Kafka: never rename one.
const (
	CmdBlock                 CommandType = "Block"
	CmdUnblock               CommandType = "Unblock"
	CmdMute                  CommandType = "Mute"
	CmdUnmute                CommandType = "Unmute"
	CmdDismissRecommendation CommandType = "DismissRecommendation"
)

// Events of the private relations. They are on the event store (so that a
// rebuild restores them) but never on personEvents: the other person is
// not to learn of them.
const (
	EvBlocked                 EventType = "Blocked"
	EvUnblocked               EventType = "Unblocked"
	EvMuted                   EventType = "Muted"
	EvUnmuted                 EventType = "Unmuted"
	EvRecommendationDismissed EventType = "RecommendationDismissed"
)

// ReasonBlocked: a follow or a transfer between two persons of whom one
// blocks the other.
const ReasonBlocked = "BLOCKED"

// Relation is a private, directed edge from one person to another.
type Relation string

// Relations; the values name the edges in the Neo4j store.
const (
	RelBlocks    Relation = "BLOCKS"
	RelMutes     Relation = "MUTES"
	RelDismissed Relation = "DISMISSED"
)

// RelationPayload names the other person of a relation command.
type RelationPayload struct {
	PersonID string `json:"personId"`
}

// RelationData is the data of the relation events: PersonID (the actor)
// has begun or ended the relation towards TargetID.
type RelationData struct {
	PersonID string `json:"personId"`
	TargetID string `json:"targetId"`
}

// relationRule is what a relation command does: it sets (set) or ends
// the relation rel from the actor to the other person and emits ev.
type relationRule struct {
	rel Relation
	set bool
	ev  EventType
}

// IsRelationCommand reports the commands that a relationRule decides.
func IsRelationCommand(t CommandType) bool { return commands[t].relation != nil }

// RelationEventOf returns the relation an event sets (set) or ends, if it
// is a relation event.
func RelationEventOf(t EventType) (rel Relation, set, ok bool) {
	for _, c := range commands {
		if c.relation != nil && c.relation.ev == t {
			return c.relation.rel, c.relation.set, true
		}
	}
	return "", false, false
}

// ValidateRelation checks a relation request at the gateway: a person id,
// and not the caller (BAD_USER_INPUT).
func ValidateRelation(actor, personID string) error {
	if _, err := ParsePersonID("personId", personID); err != nil {
		return err
	}
	if personID == actor {
		return Invalid("personId", "you cannot do this to yourself")
	}
	return nil
}

// blockedPair reports whether a and b are in a block, either direction.
func blockedPair(ctx context.Context, s State, a, b string) (bool, error) {
	ab, err := s.Related(ctx, a, b, RelBlocks)
	if err != nil || ab {
		return ab, err
	}
	return s.Related(ctx, b, a, RelBlocks)
}

// decide decides a relation command; the actor exists. A request that
// changes nothing is APPLIED with no events. Ending a relation with an
// unknown person is PERSON_NOT_FOUND, like starting one.
func (c relationRule) decide(ctx context.Context, _ Policy, s State, cmd Command, p RelationPayload, now time.Time) (Outcome, error) {
	if ValidateRelation(cmd.Actor, p.PersonID) != nil {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	exists, err := s.PersonExists(ctx, p.PersonID)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	has, err := s.Related(ctx, cmd.Actor, p.PersonID, c.rel)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	if !exists && !has {
		return Rejected(cmd, ReasonPersonNotFound), nil
	}
	if has == c.set {
		return applied(cmd), nil
	}
	ev, err := newEvent(cmd, 0, c.ev, now, RelationData{PersonID: cmd.Actor, TargetID: p.PersonID})
	if err != nil {
		return Outcome{}, err
	}
	return applied(cmd, ev), nil
}
