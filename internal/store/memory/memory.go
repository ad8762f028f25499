// Package memory is the in-memory graph store of the embedded default. It
// implements the same contract as the Neo4j store (see storetest) and keeps
// nothing across restarts.
package memory

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

type person struct {
	id           string
	name         string
	email        string
	registeredAt time.Time
	registered   bool // false for a stub made by an edge that arrived first
	interests    map[string]time.Time
	follows      map[string]time.Time
	followers    map[string]struct{}
	balance      int64
	ledger       []string             // ids of the records the person sent, received or was granted
	inbox        []store.Notification // newest first, at most store.MaxNotifications
	social                            // bio, blocks, mutes, dismissals (social.go)
}

// Store is the in-memory graph store. One mutex serialises writers, which
// is what Neo4j's locks do for the production store. Its identity store
// (Identity) has a mutex of its own.
type Store struct {
	mu        sync.RWMutex
	persons   map[string]*person
	interests map[string]map[string]struct{} // name -> person ids
	commands  map[string]command
	records   map[string]store.Transfer
	keys      map[string]personKey // by person id (keys.go)
	identity  *Identity            // a deletion erases the account there
	now       func() time.Time
	retention time.Duration // of notifications
}

var _ store.GraphStore = (*Store)(nil)

// Identity returns the identity store whose accounts this graph's
// deletions erase.
func (s *Store) Identity() *Identity { return s.identity }

// New returns an empty graph store with an empty identity store.
func New() *Store {
	return &Store{
		persons:   map[string]*person{},
		interests: map[string]map[string]struct{}{},
		commands:  map[string]command{},
		records:   map[string]store.Transfer{},
		keys:      map[string]personKey{},
		identity:  NewIdentity(),
		now:       time.Now,
		retention: store.DefaultNotificationRetention,
	}
}

// Ready always succeeds.
func (s *Store) Ready(context.Context) error { return nil }

// Close does nothing.
func (s *Store) Close(context.Context) error { return nil }

// Execute implements store.Executor.
func (s *Store) Execute(ctx context.Context, cmd domain.Command, decide store.DecideFunc) (domain.Outcome, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.executeLocked(ctx, cmd, decide)
}

// executeLocked decides and applies cmd, or replays its recorded outcome.
// A command that fails leaves nothing behind.
func (s *Store) executeLocked(ctx context.Context, cmd domain.Command, decide store.DecideFunc) (domain.Outcome, bool, error) {
	if c, ok := s.commands[cmd.ID]; ok {
		return c.out, true, nil
	}
	out, err := decide(ctx, state{s}, cmd, s.now())
	if err != nil {
		return domain.Outcome{}, false, err
	}
	switch err := s.applyLocked(out.Events, true); {
	case errors.Is(err, domain.ErrInsufficientFunds):
		out = domain.Rejected(cmd, domain.ReasonInsufficientFunds)
	case err != nil:
		return domain.Outcome{}, false, err
	}
	s.commands[cmd.ID] = command{out: out, actor: cmd.Actor}
	return out, false, nil
}

// ApplyEvents implements store.Projector.
func (s *Store) ApplyEvents(_ context.Context, events []domain.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applyLocked(events, false)
}

func (s *Store) node(id string) *person {
	p, ok := s.persons[id]
	if !ok {
		p = &person{id: id, interests: map[string]time.Time{}, follows: map[string]time.Time{}, followers: map[string]struct{}{}, social: newSocial()}
		s.persons[id] = p
	}
	return p
}

// applyLocked applies events. live marks a decision being applied: then a
// transfer the sender cannot cover fails with ErrInsufficientFunds before
// anything changes. A replay applies the facts as they were.
func (s *Store) applyLocked(events []domain.Event, live bool) error {
	for _, ev := range events {
		switch ev.Type {
		case domain.EvPersonRegistered:
			var d domain.PersonRegisteredData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			p := s.node(d.PersonID)
			p.name, p.email, p.registeredAt, p.registered = d.Name, d.Email, ev.At, true
		case domain.EvInterestAdded, domain.EvInterestRemoved:
			if err := s.applyInterest(ev); err != nil {
				return err
			}
		case domain.EvFollowed, domain.EvUnfollowed:
			applied, err := s.applyFollow(ev)
			if err != nil {
				return err
			}
			if !applied {
				continue // a replayed follow that a later block removed
			}
		case domain.EvCoinsGranted:
			var d domain.CoinsGrantedData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			s.record(store.Transfer{ID: d.TransferID, Kind: domain.GrantKind, To: d.PersonID, Amount: d.Amount, At: ev.At})
		case domain.EvCoinsTransferred:
			var d domain.CoinsTransferredData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			if _, done := s.records[d.TransferID]; !done && live && s.node(d.From).balance < d.Amount {
				return domain.ErrInsufficientFunds
			}
			s.record(store.Transfer{ID: d.TransferID, Kind: domain.TransferKind, From: d.From, To: d.To, Amount: d.Amount, Memo: d.Memo, At: ev.At})
		case domain.EvNotificationsRead:
			var d domain.NotificationsReadData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			s.markReadLocked(d)
		default:
			if err := s.applySocial(ev); err != nil {
				return err
			}
		}
		s.notifyLocked(ev)
	}
	return nil
}

func (s *Store) applyInterest(ev domain.Event) error {
	var d domain.InterestData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	p := s.node(d.PersonID)
	if s.interests[d.Interest] == nil {
		s.interests[d.Interest] = map[string]struct{}{}
	}
	if ev.Type == domain.EvInterestRemoved {
		delete(p.interests, d.Interest)
		delete(s.interests[d.Interest], d.PersonID)
		return nil
	}
	if _, ok := p.interests[d.Interest]; !ok {
		p.interests[d.Interest] = ev.At
	}
	s.interests[d.Interest][d.PersonID] = struct{}{}
	return nil
}

// applyFollow reports false for a replayed follow that a later block
// between the pair removed.
func (s *Store) applyFollow(ev domain.Event) (bool, error) {
	var d domain.FollowData
	if err := ev.DecodeData(&d); err != nil {
		return false, err
	}
	a, b := s.node(d.FollowerID), s.node(d.FolloweeID)
	if ev.Type == domain.EvUnfollowed {
		delete(a.follows, b.id)
		delete(b.followers, a.id)
		return true, nil
	}
	if s.blockedAfter(a, b, ev.At) {
		return false, nil
	}
	if _, ok := a.follows[b.id]; !ok {
		a.follows[b.id] = ev.At
	}
	b.followers[a.id] = struct{}{}
	return true, nil
}

type command struct {
	out   domain.Outcome
	actor string
}

// CommandOutcome implements store.Reader.
func (s *Store) CommandOutcome(_ context.Context, id string) (domain.Outcome, string, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.commands[id]
	return c.out, c.actor, ok, nil
}

// record adds a ledger record once and moves its coins.
func (s *Store) record(t store.Transfer) {
	if _, done := s.records[t.ID]; done {
		return
	}
	s.records[t.ID] = t
	to := s.node(t.To)
	to.balance += t.Amount
	to.ledger = append(to.ledger, t.ID)
	if t.From != "" {
		from := s.node(t.From)
		from.balance -= t.Amount
		from.ledger = append(from.ledger, t.ID)
	}
}

// state answers domain.State under the writer lock.
type state struct{ s *Store }

func (st state) PersonExists(_ context.Context, id string) (bool, error) {
	p, ok := st.s.persons[id]
	return ok && p.registered, nil
}

func (st state) Follows(_ context.Context, a, b string) (bool, error) {
	p, ok := st.s.persons[a]
	if !ok {
		return false, nil
	}
	_, f := p.follows[b]
	return f, nil
}

func (st state) HasInterest(_ context.Context, id, name string) (bool, error) {
	p, ok := st.s.persons[id]
	if !ok {
		return false, nil
	}
	_, has := p.interests[name]
	return has, nil
}

func (st state) InterestCount(_ context.Context, id string) (int, error) {
	if p, ok := st.s.persons[id]; ok {
		return len(p.interests), nil
	}
	return 0, nil
}

func (st state) Related(_ context.Context, from, to string, rel domain.Relation) (bool, error) {
	return st.s.related(from, to, rel), nil
}

func (st state) HasNotification(_ context.Context, personID, id string) (bool, error) {
	p, ok := st.s.persons[personID]
	since := st.s.now().Add(-st.s.retention) // an older one is aged out, pruned or not
	return ok && slices.ContainsFunc(p.inbox, func(n store.Notification) bool { return n.ID == id && !n.At.Before(since) }), nil
}

func (st state) FollowingCount(_ context.Context, id string) (int, error) {
	if p, ok := st.s.persons[id]; ok {
		return len(p.follows), nil
	}
	return 0, nil
}
