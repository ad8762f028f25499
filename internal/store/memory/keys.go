package memory

import (
	"context"
	"github.com/interestgraph/interestgraph/internal/domain"
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

// scrubCommandsLocked empties the person's fields in the recorded
// outcomes of their commands (domain.ForgetPerson) and keeps the events: a
// redelivered command of theirs replays them without their data, and a
// transfer decided in the same batch as the deletion still publishes the
// coins it moved.
func (s *Store) scrubCommandsLocked(personID string) error {
	for id, c := range s.commands {
		if c.actor != personID || len(c.out.Events) == 0 {
			continue
		}
		out, err := domain.ForgetPerson(c.out, personID)
		if err != nil {
			return err
		}
		c.out = out
		s.commands[id] = c
	}
	return nil
}
