package memory

import (
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// related reports whether from holds rel towards to.
func (s *Store) related(from, to string, rel domain.Relation) bool {
	p, ok := s.persons[from]
	if !ok {
		return false
	}
	var has bool
	switch rel {
	case domain.RelBlocks:
		_, has = p.blocks[to]
	case domain.RelMutes:
		_, has = p.mutes[to]
	case domain.RelDismissed:
		_, has = p.dismissed[to]
	}
	return has
}

// blockedAfter reports a block between a and b made after at. A rebuild
// replays the persons' events in any order across persons: a follow that a
// later block removed must not come back when it is replayed after the block.
func (s *Store) blockedAfter(a, b *person, at time.Time) bool {
	ab, ok1 := a.blocks[b.id]
	ba, ok2 := b.blocks[a.id]
	return ok1 && ab.After(at) || ok2 && ba.After(at)
}

// applyRelation applies the private relation events; other types are
// ignored. A block removes both follows between the pair in the same
// write as the block.
func (s *Store) applyRelation(ev domain.Event) error {
	rel, set, ok := domain.RelationEventOf(ev.Type)
	if !ok {
		return nil
	}
	var d domain.RelationData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	a, b := s.node(d.PersonID), s.node(d.TargetID)
	switch {
	case rel == domain.RelBlocks && set:
		if _, ok := a.blocks[b.id]; !ok {
			a.blocks[b.id] = ev.At
		}
		s.unfollow(a, b)
		s.unfollow(b, a)
	case rel == domain.RelBlocks:
		delete(a.blocks, b.id)
	case rel == domain.RelMutes && set:
		a.mutes[b.id] = struct{}{}
	case rel == domain.RelMutes:
		delete(a.mutes, b.id)
	case rel == domain.RelDismissed:
		a.dismissed[b.id] = struct{}{}
	}
	return nil
}

// unfollow removes a's follow of b, whatever its time (as the Neo4j store
// does, whose consumers' clocks may differ).
func (s *Store) unfollow(a, b *person) {
	delete(a.follows, b.id)
	delete(b.followers, a.id)
}
