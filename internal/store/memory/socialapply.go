package memory

import "github.com/interestgraph/interestgraph/internal/domain"

// applySocial applies the events of the social graph; other types are
// ignored, as a projection ignores what it does not know.
func (s *Store) applySocial(ev domain.Event) error {
	switch ev.Type {
	case domain.EvProfileUpdated:
		var d domain.ProfileData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		p := s.node(d.PersonID)
		if d.Name != nil {
			p.name = *d.Name
		}
		if d.Bio != nil {
			p.bio = *d.Bio
		}
	case domain.EvAccountDeleted:
		return s.applyDeletion(ev)
	default:
		return s.applyRelation(ev)
	}
	return nil
}
