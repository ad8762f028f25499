package gqlmodel

import "time"

// ProfileUpdated is an event; its person is resolved.
type ProfileUpdated struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	CommandID string    `json:"commandId"`
	PersonID  string    `json:"-"`
	Cursor    string    `json:"cursor"`
}

// IsPersonEvent marks ProfileUpdated as a PersonEvent.
func (ProfileUpdated) IsPersonEvent() {}
