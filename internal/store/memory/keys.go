package memory

import (
	"context"
	"slices"

	"github.com/interestgraph/interestgraph/internal/shred"
)

// personKey is a person's key; a destroyed one keeps its tombstone.
type personKey struct {
	key       []byte
	destroyed bool
}

// GetOrCreatePersonKey implements store.PersonKeys.
func (s *Store) GetOrCreatePersonKey(_ context.Context, personID string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[personID]
	if ok {
		return slices.Clone(k.key), nil
	}
	key, err := shred.NewKey()
	if err != nil {
		return nil, err
	}
	s.keys[personID] = personKey{key: key}
	return slices.Clone(key), nil
}

// PersonKey implements store.PersonKeys.
func (s *Store) PersonKey(_ context.Context, personID string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.keys[personID].key), nil
}

// DestroyPersonKey implements store.PersonKeys.
func (s *Store) DestroyPersonKey(_ context.Context, personID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.destroyKeyLocked(personID)
	return nil
}

func (s *Store) destroyKeyLocked(personID string) {
	if k, ok := s.keys[personID]; ok {
		clear(k.key) // no copy of it stays in this process's memory
	}
	s.keys[personID] = personKey{destroyed: true}
}

// scrubCommandsLocked drops the events from the recorded outcomes of the
// person's commands: they hold the person's data in clear text. A
// redelivered command then replays an outcome with no events, which
// publishes nothing, instead of being decided again.
func (s *Store) scrubCommandsLocked(personID string) {
	for id, c := range s.commands {
		if c.actor == personID && len(c.out.Events) > 0 {
			c.out.Events = nil
			s.commands[id] = c
		}
	}
}
