package domain

import (
	"encoding/json"
	"fmt"
)

// Personal data in events. The events topic is kept forever, so the string
// fields that say something about a person (names, emails, bios, memos) go
// there sealed under their owner's key, and a deletion that destroys the
// key leaves them unreadable while ids, amounts and edges stay replayable.
// This file says which fields those are and whose; the sealing itself is
// elsewhere (internal/shred).

// PersonalFunc maps one non-empty personal field: owner is the person the
// value is about, field its JSON name in the event's data.
type PersonalFunc func(owner, field, value string) (string, error)

// HasPersonal reports whether events of type t may carry personal fields.
func HasPersonal(t EventType) bool {
	switch t {
	case EvPersonRegistered, EvProfileUpdated, EvCoinsTransferred:
		return true
	}
	return false
}

// MapPersonal returns ev with fn applied to every non-empty personal field
// of its data; other fields, and events without personal data, are left as
// they are. An empty value stays empty (a cleared bio is no secret), so fn
// is never called for one.
func MapPersonal(ev Event, fn PersonalFunc) (Event, error) {
	if !HasPersonal(ev.Type) {
		return ev, nil
	}
	var (
		data any
		err  error
	)
	switch ev.Type {
	case EvPersonRegistered:
		var d PersonRegisteredData
		if err = ev.DecodeData(&d); err != nil {
			return ev, err
		}
		if d.Name, err = mapField(fn, d.PersonID, "name", d.Name); err == nil {
			d.Email, err = mapField(fn, d.PersonID, "email", d.Email)
		}
		data = d
	case EvProfileUpdated:
		var d ProfileData
		if err = ev.DecodeData(&d); err != nil {
			return ev, err
		}
		if d.Name, err = mapOptional(fn, d.PersonID, "name", d.Name); err == nil {
			d.Bio, err = mapOptional(fn, d.PersonID, "bio", d.Bio)
		}
		data = d
	case EvCoinsTransferred:
		// The memo is the sender's words: it goes with the sender.
		var d CoinsTransferredData
		if err = ev.DecodeData(&d); err != nil {
			return ev, err
		}
		d.Memo, err = mapField(fn, d.From, "memo", d.Memo)
		data = d
	}
	if err != nil {
		return ev, fmt.Errorf("%s %s: %w", ev.Type, ev.ID, err)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return ev, fmt.Errorf("encode %s %s: %w", ev.Type, ev.ID, err)
	}
	ev.Data = raw
	return ev, nil
}

func mapField(fn PersonalFunc, owner, field, value string) (string, error) {
	if value == "" {
		return "", nil
	}
	return fn(owner, field, value)
}

func mapOptional(fn PersonalFunc, owner, field string, value *string) (*string, error) {
	if value == nil {
		return nil, nil
	}
	v, err := mapField(fn, owner, field, *value)
	return &v, err
}

// ForgetPerson returns out with every personal field that belongs to
// personID emptied and every event kept: the recorded outcome of a
// deleted person's command must stop holding their data, yet replay the
// same events, since others' state (the coins a transfer moved) is built
// from them.
func ForgetPerson(out Outcome, personID string) (Outcome, error) {
	if len(out.Events) == 0 {
		return out, nil
	}
	events := make([]Event, len(out.Events))
	for i, ev := range out.Events {
		forgotten, err := MapPersonal(ev, func(owner, _, value string) (string, error) {
			if owner == personID {
				return "", nil
			}
			return value, nil
		})
		if err != nil {
			return Outcome{}, err
		}
		events[i] = forgotten
	}
	out.Events = events
	return out, nil
}
