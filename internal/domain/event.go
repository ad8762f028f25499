package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// EventType names a fact. The values are part of the published event
// contract (the CloudEvents type is "interestgraph." + EventType): never
// rename one.
type EventType string

const (
	EvPersonRegistered EventType = "PersonRegistered"
	EvInterestAdded    EventType = "InterestAdded"
	EvInterestRemoved  EventType = "InterestRemoved"
	EvFollowed         EventType = "Followed"
	EvUnfollowed       EventType = "Unfollowed"
	EvCoinsGranted     EventType = "CoinsGranted"
	EvCoinsTransferred EventType = "CoinsTransferred"
)

// Event is one fact. Subject is the person whose command caused it; it is
// the Kafka key, so all events about what one person did stay in order.
type Event struct {
	ID        string          `json:"id"`
	Type      EventType       `json:"type"`
	Subject   string          `json:"subject"`
	At        time.Time       `json:"at"`
	CommandID string          `json:"commandId"`
	Data      json.RawMessage `json:"data"`
}

// PersonRegisteredData is the data of EvPersonRegistered.
type PersonRegisteredData struct {
	PersonID string `json:"personId"`
	Name     string `json:"name"`
	Email    string `json:"email"`
}

// InterestData is the data of EvInterestAdded and EvInterestRemoved.
type InterestData struct {
	PersonID string `json:"personId"`
	Interest string `json:"interest"`
}

// FollowData is the data of EvFollowed and EvUnfollowed.
type FollowData struct {
	FollowerID string `json:"followerId"`
	FolloweeID string `json:"followeeId"`
}

// eventNamespace derives event ids from command ids, so that deciding the
// same command twice names its events alike.
var eventNamespace = uuid.MustParse("6f1c3f0e-3b7a-4c55-9a2e-7d1f0c2b9a10")

func newEvent(cmd Command, i int, t EventType, at time.Time, data any) (Event, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Event{}, fmt.Errorf("encode %s: %w", t, err)
	}
	id := uuid.NewSHA1(eventNamespace, fmt.Appendf(nil, "%s/%d", cmd.ID, i)).String()
	return Event{ID: id, Type: t, Subject: cmd.Actor, At: at.UTC(), CommandID: cmd.ID, Data: raw}, nil
}

// DecodeData unmarshals the event's data into v, the struct its Type names.
func (e Event) DecodeData(v any) error {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("decode %s %s: %w", e.Type, e.ID, err)
	}
	return nil
}

// NewEventForTest builds an event of cmd outside a decision, for tests that
// need histories the decision would not produce in that order.
func NewEventForTest(cmd Command, t EventType, at time.Time, data any) (Event, error) {
	return newEvent(cmd, 0, t, at, data)
}
