// Package gqlmodel holds the hand-written Go types the GraphQL schema binds
// to. Fields that need another lookup (a person's interests, an event's
// person) are absent here on purpose: gqlgen then generates resolvers for
// them, which batch through the per-request loaders.
package gqlmodel

import "time"

// Person is a registered person. Email is set only when the caller may
// see it.
type Person struct {
	ID             string    `json:"id"`
	Balance        int64     `json:"-"`
	Name           string    `json:"name"`
	Email          *string   `json:"email"`
	RegisteredAt   time.Time `json:"registeredAt"`
	FollowerCount  int       `json:"followerCount"`
	FollowingCount int       `json:"followingCount"`
	Bio            *string   `json:"bio"`
	// Prefetched is set on persons read by a compiled plan.
	Prefetched *Prefetched `json:"-"`
}

// Interest is an interest; personCount is resolved.
type Interest struct {
	Name string `json:"name"`
}

// Notification is addressed to the subscriber.
type Notification struct {
	ID      string           `json:"id"`
	Kind    NotificationKind `json:"kind"`
	At      time.Time        `json:"at"`
	Amount  *int             `json:"amount"`
	ActorID string           `json:"-"`
	Cursor  string           `json:"cursor"`
	Read    bool             `json:"read"`
}

// Wallet is a person's coins; its transfers are resolved.
type Wallet struct {
	Balance  int    `json:"balance"`
	PersonID string `json:"-"`
}

// Transfer is a ledger record; its ends are resolved.
type Transfer struct {
	ID     string       `json:"id"`
	Kind   TransferKind `json:"kind"`
	Amount int          `json:"amount"`
	Memo   *string      `json:"memo"`
	At     time.Time    `json:"at"`
	FromID string       `json:"-"`
	ToID   string       `json:"-"`
}

// TransferKind mirrors the GraphQL enum.
type TransferKind string

// PersonRegistered and the other event types carry ids; the person and
// interest fields are resolved.
type PersonRegistered struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	CommandID string    `json:"commandId"`
	PersonID  string    `json:"-"`
	Cursor    string    `json:"cursor"`
}

// InterestAdded is an event.
type InterestAdded struct {
	ID           string    `json:"id"`
	At           time.Time `json:"at"`
	CommandID    string    `json:"commandId"`
	PersonID     string    `json:"-"`
	InterestName string    `json:"-"`
	Cursor       string    `json:"cursor"`
}

// InterestRemoved is an event.
type InterestRemoved struct {
	ID           string    `json:"id"`
	At           time.Time `json:"at"`
	CommandID    string    `json:"commandId"`
	PersonID     string    `json:"-"`
	InterestName string    `json:"-"`
	Cursor       string    `json:"cursor"`
}

// Followed is an event.
type Followed struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	CommandID  string    `json:"commandId"`
	PersonID   string    `json:"-"`
	FolloweeID string    `json:"-"`
	Cursor     string    `json:"cursor"`
}

// Unfollowed is an event.
type Unfollowed struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	CommandID  string    `json:"commandId"`
	PersonID   string    `json:"-"`
	FolloweeID string    `json:"-"`
	Cursor     string    `json:"cursor"`
}

// PersonEvent is the GraphQL interface of the event types.
type PersonEvent interface{ IsPersonEvent() }

func (PersonRegistered) IsPersonEvent() {}
func (InterestAdded) IsPersonEvent()    {}
func (InterestRemoved) IsPersonEvent()  {}
func (Followed) IsPersonEvent()         {}
func (Unfollowed) IsPersonEvent()       {}

// NotificationKind mirrors the GraphQL enum.
type NotificationKind string

// Notification kinds.
const (
	NotificationFollowed      NotificationKind = "FOLLOWED"
	NotificationCoinsReceived NotificationKind = "COINS_RECEIVED"
)
