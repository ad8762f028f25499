package domain

import (
	"encoding/json"
	"fmt"
	"time"
)

// CommandType names what a command asks for. The values travel on Kafka:
// never rename one.
type CommandType string

const (
	CmdRegisterPerson CommandType = "RegisterPerson"
	CmdAddInterest    CommandType = "AddInterest"
	CmdRemoveInterest CommandType = "RemoveInterest"
	CmdFollow         CommandType = "Follow"
	CmdUnfollow       CommandType = "Unfollow"
	CmdTransferCoins  CommandType = "TransferCoins"
)

// Command is a request for a change, decided by a consumer. ID is the
// idempotency key; Actor is the person the verified token names, never a
// value from client input, and is also the Kafka key so that one person's
// commands apply in order.
type Command struct {
	ID      string          `json:"id"`
	Type    CommandType     `json:"type"`
	Actor   string          `json:"actor"`
	At      time.Time       `json:"at"`
	Payload json.RawMessage `json:"payload"`
}

// RegisterPersonPayload creates the person Actor.
type RegisterPersonPayload struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// InterestPayload names an interest (already normalised by the gateway; the
// consumer normalises again, as it trusts nothing on the wire).
type InterestPayload struct {
	Interest string `json:"interest"`
}

// FollowPayload names the person to (un)follow.
type FollowPayload struct {
	PersonID string `json:"personId"`
}

// NewCommand builds a command with a fresh id.
func NewCommand(t CommandType, actor string, payload any, now time.Time) (Command, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return Command{}, fmt.Errorf("encode %s payload: %w", t, err)
	}
	return Command{ID: NewID(), Type: t, Actor: actor, At: now.UTC(), Payload: raw}, nil
}

// DecodeCommand parses and validates a command from the wire. An error here
// means the message is malformed and belongs in the dead-letter topic.
func DecodeCommand(raw []byte) (Command, error) {
	var c Command
	if err := json.Unmarshal(raw, &c); err != nil {
		return Command{}, fmt.Errorf("command is not valid JSON: %w", err)
	}
	if _, err := ParsePersonID("id", c.ID); err != nil {
		return Command{}, fmt.Errorf("command id: %w", err)
	}
	if _, err := ParsePersonID("actor", c.Actor); err != nil {
		return Command{}, fmt.Errorf("command actor: %w", err)
	}
	if c.At.IsZero() {
		return Command{}, fmt.Errorf("command %s has no time", c.ID)
	}
	if _, ok := commands[c.Type]; !ok {
		return Command{}, fmt.Errorf("unknown command type %q", c.Type)
	}
	return c, nil
}

// Answerable returns who is waiting for a message that DecodeCommand
// refused, when its id and actor can still be read: a command of a type
// this version does not know (a newer gateway during a rolling deploy), or
// one without a time. Such a command is answered REJECTED with
// ReasonUnprocessable, so that no client waits for it for ever; a message
// without a readable id has nobody to answer.
func Answerable(raw []byte) (Command, bool) {
	var c struct {
		ID    string      `json:"id"`
		Actor string      `json:"actor"`
		Type  CommandType `json:"type"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return Command{}, false
	}
	if _, err := ParsePersonID("id", c.ID); err != nil {
		return Command{}, false
	}
	if _, err := ParsePersonID("actor", c.Actor); err != nil {
		return Command{}, false
	}
	return Command{ID: c.ID, Actor: c.Actor, Type: c.Type}, true
}
