package memory

import (
	"context"
	"slices"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// newer orders notifications newest first: by time, then id.
func newer(a, b store.Notification) int {
	if c := b.At.Compare(a.At); c != 0 {
		return c
	}
	switch {
	case a.ID > b.ID:
		return -1
	case a.ID < b.ID:
		return 1
	}
	return 0
}

// SetNotificationRetention implements store.RetentionSetter.
func (s *Store) SetNotificationRetention(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retention = d
}

// notifyLocked stores the notification ev causes, once, and drops the
// recipient's notifications that retention or the cap have aged out.
func (s *Store) notifyLocked(ev domain.Event) {
	n, ok := domain.NotificationOf(ev)
	if !ok {
		return
	}
	p := s.node(n.Recipient)
	// The recipient blocks or mutes the actor: no notification, in the
	// inbox as live.
	if _, blocks := p.blocks[n.ActorID]; blocks {
		return
	}
	if _, mutes := p.mutes[n.ActorID]; mutes {
		return
	}
	for _, old := range p.inbox {
		if old.ID == n.ID {
			return
		}
	}
	p.inbox = append(p.inbox, store.Notification{ID: n.ID, Kind: n.Kind, ActorID: n.ActorID, Amount: n.Amount, At: n.At})
	slices.SortFunc(p.inbox, newer)
	cutoff := ev.At.Add(-s.retention)
	keep := len(p.inbox)
	for keep > 0 && p.inbox[keep-1].At.Before(cutoff) {
		keep--
	}
	p.inbox = p.inbox[:min(keep, store.MaxNotifications)]
}

// markReadLocked marks upTo and every older notification of the person.
func (s *Store) markReadLocked(d domain.NotificationsReadData) {
	p, ok := s.persons[d.PersonID]
	if !ok {
		return
	}
	i := slices.IndexFunc(p.inbox, func(n store.Notification) bool { return n.ID == d.UpTo })
	if i < 0 {
		return
	}
	for j := i; j < len(p.inbox); j++ {
		p.inbox[j].Read = true
	}
}

// Notifications implements store.Inbox.
func (s *Store) Notifications(_ context.Context, personID string, q store.NotificationQuery) (store.NotificationPage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.persons[personID]
	if !ok {
		if q.After != "" {
			return store.NotificationPage{}, domain.Invalid("after", "unknown cursor")
		}
		return store.NotificationPage{}, nil
	}
	start := 0
	if q.After != "" {
		// The cursor may name a notification hidden since: find it among all.
		i := slices.IndexFunc(p.inbox, func(n store.Notification) bool { return n.ID == q.After })
		if i < 0 {
			return store.NotificationPage{}, domain.Invalid("after", "unknown cursor")
		}
		start = i + 1
	}
	var pg store.NotificationPage
	for i, n := range p.inbox {
		if !p.shows(n) || n.At.Before(q.Since) || (q.UnreadOnly && n.Read) {
			continue
		}
		pg.TotalCount++
		if i < start {
			continue
		}
		if len(pg.Notifications) == q.First {
			pg.HasNext = true
			continue
		}
		pg.Notifications = append(pg.Notifications, n)
	}
	return pg, nil
}

// UnreadNotificationCount implements store.Inbox.
func (s *Store) UnreadNotificationCount(_ context.Context, personID string, since time.Time) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	if p, ok := s.persons[personID]; ok {
		for _, x := range p.inbox {
			if !x.Read && !x.At.Before(since) && p.shows(x) {
				n++
			}
		}
	}
	return n, nil
}

// shows reports whether n is in p's inbox as listed: what p's blocks and
// mutes hide is hidden also when it was stored before them.
func (p *person) shows(n store.Notification) bool {
	_, blocks := p.blocks[n.ActorID]
	_, mutes := p.mutes[n.ActorID]
	return !blocks && !mutes
}
