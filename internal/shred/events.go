package shred

import (
	"context"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// KeyMaker is what sealing needs of the key store.
type KeyMaker interface {
	// GetOrCreatePersonKey returns the person's key, made on first use.
	// It returns nil (and no error) once the key is destroyed: a person
	// who left never gets a new key.
	GetOrCreatePersonKey(ctx context.Context, personID string) ([]byte, error)
}

// KeyReader is what opening needs of the key store.
type KeyReader interface {
	// PersonKey returns the person's key, or nil (and no error) if they
	// have none or it was destroyed.
	PersonKey(ctx context.Context, personID string) ([]byte, error)
}

// aad binds a sealed value to its event and field.
func aad(ev domain.Event, field string) string { return ev.ID + "/" + field }

// SealEvents returns events with every personal field sealed under its
// owner's key. The field of a person whose key is destroyed is written
// empty: a command of theirs decided again after they left (a redelivery)
// must not publish their data readable.
func SealEvents(ctx context.Context, keys KeyMaker, events []domain.Event) ([]domain.Event, error) {
	if !anyPersonal(events) {
		return events, nil
	}
	out := make([]domain.Event, len(events))
	got := map[string][]byte{} // one key lookup per owner per call
	for i, ev := range events {
		sealed, err := domain.MapPersonal(ev, func(owner, field, value string) (string, error) {
			key, ok := got[owner]
			if !ok {
				var err error
				if key, err = keys.GetOrCreatePersonKey(ctx, owner); err != nil {
					return "", fmt.Errorf("key of %s: %w", owner, err)
				}
				got[owner] = key
			}
			if key == nil {
				return "", nil
			}
			return Seal(key, aad(ev, field), value)
		})
		if err != nil {
			return nil, fmt.Errorf("shred: seal: %w", err)
		}
		out[i] = sealed
	}
	return out, nil
}

func anyPersonal(events []domain.Event) bool {
	for _, ev := range events {
		if domain.HasPersonal(ev.Type) {
			return true
		}
	}
	return false
}

// OpenEvent returns ev with its sealed fields opened. A field whose key is
// destroyed or missing reads as empty; a value that is not sealed (an event
// published before sealing existed) reads as it is. A sealed value that
// does not open under its owner's key is an error (ErrUnreadable): the
// event or the key store is not what it should be.
func OpenEvent(ctx context.Context, keys KeyReader, ev domain.Event) (domain.Event, error) {
	if !domain.HasPersonal(ev.Type) {
		return ev, nil
	}
	return domain.MapPersonal(ev, func(owner, field, value string) (string, error) {
		if !IsSealed(value) {
			return value, nil
		}
		key, err := keys.PersonKey(ctx, owner)
		if err != nil {
			return "", fmt.Errorf("key of %s: %w", owner, err)
		}
		if key == nil {
			return "", nil
		}
		return Open(key, aad(ev, field), value)
	})
}

// Blank returns ev with every personal field empty: what a reader shows
// when it cannot open them (the key store does not answer), rather than
// holding back the rest of the event.
func Blank(ev domain.Event) domain.Event {
	out, err := domain.MapPersonal(ev, func(string, string, string) (string, error) { return "", nil })
	if err != nil {
		return ev // data that does not decode has nothing to blank
	}
	return out
}
