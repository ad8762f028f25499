package memory

import (
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// applyDeletion erases a person: the balance is burned by a BURN record
// (the ledger keeps it, so supply and balances still agree), every edge
// to and from them goes, then the node, the account (with its provider
// link) and the refresh-token families. Records of coins others received
// from them stay: those coins are the others' now.
func (s *Store) applyDeletion(ev domain.Event) error {
	var d domain.AccountDeletedData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	// Their data on the event store goes with the key, whatever else
	// this deletion finds.
	s.destroyKeyLocked(d.PersonID)
	if err := s.scrubCommandsLocked(d.PersonID); err != nil {
		return err
	}
	p, ok := s.persons[d.PersonID]
	if !ok {
		return nil
	}
	for id, r := range s.records { // the memos they wrote go; the coins stay
		if r.From == p.id && r.Memo != "" {
			r.Memo = ""
			s.records[id] = r
		}
	}
	if _, done := s.records[ev.CommandID]; !done && p.balance > 0 {
		s.records[ev.CommandID] = store.Transfer{ID: ev.CommandID, Kind: domain.BurnKind, From: p.id, Amount: p.balance, At: ev.At}
		p.balance = 0
	}
	for id := range p.follows {
		if q := s.persons[id]; q != nil {
			delete(q.followers, p.id)
		}
	}
	for id := range p.followers {
		if q := s.persons[id]; q != nil {
			delete(q.follows, p.id)
		}
	}
	for name := range p.interests {
		delete(s.interests[name], p.id)
	}
	for _, q := range s.persons {
		delete(q.blocks, p.id)
		delete(q.mutes, p.id)
		delete(q.dismissed, p.id)
	}
	delete(s.persons, p.id)
	s.identity.forget(p.id)
	return nil
}
