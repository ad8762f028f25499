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

// relationCommands maps each relation command to its relation, whether it
// sets or ends it, and the event it emits.
var relationCommands = map[CommandType]struct {
	rel Relation
	set bool
	ev  EventType
}{
	CmdBlock:                 {RelBlocks, true, EvBlocked},
	CmdUnblock:               {RelBlocks, false, EvUnblocked},
	CmdMute:                  {RelMutes, true, EvMuted},
	CmdUnmute:                {RelMutes, false, EvUnmuted},
	CmdDismissRecommendation: {RelDismissed, true, EvRecommendationDismissed},
}

// IsRelationCommand reports the commands decideRelation decides.
func IsRelationCommand(t CommandType) bool { _, ok := relationCommands[t]; return ok }

// RelationEventOf returns the relation an event sets (set) or ends, if it
// is a relation event.
func RelationEventOf(t EventType) (rel Relation, set, ok bool) {
	for _, c := range relationCommands {
		if c.ev == t {
			return c.rel, c.set, true
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

// decideRelation decides the relation commands; the actor exists. A
// request that changes nothing is APPLIED with no events. Ending a
// relation with an unknown person is PERSON_NOT_FOUND, like starting one.
func decideRelation(ctx context.Context, s State, cmd Command, now time.Time) (Outcome, error) {
	c := relationCommands[cmd.Type]
	var p RelationPayload
	if err := decodePayload(cmd, &p); err != nil || ValidateRelation(cmd.Actor, p.PersonID) != nil {
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
		return Outcome{CommandID: cmd.ID, Status: StatusApplied}, nil
	}
	ev, err := newEvent(cmd, 0, c.ev, now, RelationData{PersonID: cmd.Actor, TargetID: p.PersonID})
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{CommandID: cmd.ID, Status: StatusApplied, Events: []Event{ev}}, nil
}

// Pair returns, in a fixed order, the two persons whose relation cmd is
// decided on and changes, when another person's concurrent command could
// decide on the same relation: a follow or a transfer (refused across a
// block) and a block (which removes follows). A store whose reads do not
// see concurrent writes locks both before deciding, in this order, so
// that two such commands from different partitions serialise and cannot
// deadlock. Other commands, and a payload that does not decode, have none.
func Pair(cmd Command) []string {
	var other string
	switch cmd.Type {
	case CmdFollow:
		var p FollowPayload
		if decodePayload(cmd, &p) != nil {
			return nil
		}
		other = p.PersonID
	case CmdTransferCoins:
		var p TransferPayload
		if decodePayload(cmd, &p) != nil {
			return nil
		}
		other = p.To
	case CmdBlock:
		var p RelationPayload
		if decodePayload(cmd, &p) != nil {
			return nil
		}
		other = p.PersonID
	default:
		return nil
	}
	if other == "" || other == cmd.Actor {
		return nil
	}
	if other < cmd.Actor {
		return []string{other, cmd.Actor}
	}
	return []string{cmd.Actor, other}
}

// Touches returns the persons (the actor and the other person of a
// relation) and the interests whose nodes deciding and applying cmd may
// lock. A store that decides many commands in one transaction takes all
// their locks first, sorted, so that two such transactions (two
// partitions) lock in one global order and do not deadlock each other.
func Touches(cmd Command) (persons, interests []string) {
	persons = append(persons, cmd.Actor)
	for _, p := range Pair(cmd) {
		if p != cmd.Actor {
			persons = append(persons, p)
		}
	}
	// Removing or setting a relationship locks its other end too.
	switch cmd.Type {
	case CmdUnfollow, CmdUnblock, CmdMute, CmdUnmute, CmdDismissRecommendation:
		var p RelationPayload // FollowPayload has the same shape
		if decodePayload(cmd, &p) == nil && p.PersonID != "" && p.PersonID != cmd.Actor {
			persons = append(persons, p.PersonID)
		}
	}
	if cmd.Type == CmdAddInterest || cmd.Type == CmdRemoveInterest {
		var p InterestPayload
		if decodePayload(cmd, &p) == nil {
			if name, err := NormalizeInterest(p.Interest); err == nil {
				interests = append(interests, name)
			}
		}
	}
	return persons, interests
}
