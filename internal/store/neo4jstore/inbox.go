package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Notifications hang off their recipient:
// (:Person)-[:HAS_NOTIFICATION]->(:Notification {id, kind, at, actorId, amount, read}).
// Their id is the id of the event that caused them, so applying an event
// again finds the notification it made (a uniqueness constraint holds).
const (
	// The recipient blocks or mutes the actor: no notification, in the
	// inbox as live.
	cypherNotify = `MERGE (p:Person {id: $to})
WITH p WHERE NOT EXISTS { (p)-[:BLOCKS|MUTES]->(:Person {id: $actor}) }
MERGE (n:Notification {id: $id})
ON CREATE SET n.kind = $kind, n.at = $at, n.actorId = $actor, n.amount = $amount, n.read = false
MERGE (p)-[:HAS_NOTIFICATION]->(n)`
	cypherPruneAged = `MATCH (:Person {id: $to})-[:HAS_NOTIFICATION]->(o:Notification) WHERE o.at < $cutoff DETACH DELETE o`
	// Each notification adds one, so dropping the oldest one when over the
	// cap keeps an inbox at the cap.
	cypherPruneCap = `MATCH (p:Person {id: $to}) WHERE COUNT { (p)-[:HAS_NOTIFICATION]->() } > $cap
MATCH (p)-[:HAS_NOTIFICATION]->(o:Notification)
WITH o ORDER BY o.at ASC, o.id ASC LIMIT 1
DETACH DELETE o`
	cypherMarkRead = `MATCH (p:Person {id: $pid})-[:HAS_NOTIFICATION]->(u:Notification {id: $upTo})
MATCH (p)-[:HAS_NOTIFICATION]->(n:Notification)
WHERE n.read = false AND (n.at < u.at OR (n.at = u.at AND n.id <= u.id))
SET n.read = true`
	// What the recipient's blocks and mutes hide is hidden also when it
	// was stored before them.
	inboxVisible = `NOT EXISTS { (p)-[:BLOCKS|MUTES]->(:Person {id: n.actorId}) }`
	inboxFilter  = `n.at >= $since AND ($unread = false OR n.read = false) AND ` + inboxVisible
)

// SetNotificationRetention implements store.RetentionSetter. Call it
// before the store is used.
func (s *Store) SetNotificationRetention(d time.Duration) { s.retention = d }

// applyInbox stores the notifications events cause and marks the ones
// read that EvNotificationsRead names, in tx.
func applyInbox(ctx context.Context, tx neo4j.ManagedTransaction, events []domain.Event, retention time.Duration) error {
	for _, ev := range events {
		if ev.Type == domain.EvNotificationsRead {
			var d domain.NotificationsReadData
			if err := ev.DecodeData(&d); err != nil {
				return err
			}
			if _, err := tx.Run(ctx, cypherMarkRead, map[string]any{"pid": d.PersonID, "upTo": d.UpTo}); err != nil {
				return fmt.Errorf("mark notifications read: %w", err)
			}
			continue
		}
		n, ok := domain.NotificationOf(ev)
		if !ok {
			continue
		}
		params := map[string]any{"to": n.Recipient, "id": n.ID, "kind": n.Kind, "at": n.At.UTC(), "actor": n.ActorID, "amount": n.Amount,
			"cutoff": n.At.Add(-retention).UTC(), "cap": store.MaxNotifications}
		for _, cypher := range []string{cypherNotify, cypherPruneAged, cypherPruneCap} {
			if _, err := tx.Run(ctx, cypher, params); err != nil {
				return fmt.Errorf("notify %s: %w", n.ID, err)
			}
		}
	}
	return nil
}

// Notifications implements store.Inbox in one read.
func (s *Store) Notifications(ctx context.Context, personID string, q store.NotificationQuery) (store.NotificationPage, error) {
	recs, err := s.read(ctx, `MATCH (p:Person {id: $pid})
OPTIONAL MATCH (p)-[:HAS_NOTIFICATION]->(a:Notification {id: $after})
RETURN a IS NOT NULL AS found,
  COUNT { MATCH (p)-[:HAS_NOTIFICATION]->(n:Notification) WHERE `+inboxFilter+` } AS total,
  COLLECT { MATCH (p)-[:HAS_NOTIFICATION]->(n:Notification)
    WHERE `+inboxFilter+` AND (a IS NULL OR n.at < a.at OR (n.at = a.at AND n.id < a.id))
    WITH n ORDER BY n.at DESC, n.id DESC LIMIT $limit
    RETURN n {.id, .kind, .at, .actorId, .amount, .read} } AS page`,
		map[string]any{"pid": personID, "after": q.After, "since": q.Since.UTC(), "unread": q.UnreadOnly, "limit": q.First + 1})
	res := store.NotificationPage{Notifications: []store.Notification{}}
	if err != nil {
		return res, err
	}
	if len(recs) == 0 {
		if q.After != "" {
			return res, domain.Invalid("after", "unknown cursor")
		}
		return res, nil
	}
	f := &fields{src: recs[0], what: "inbox"}
	found, total, page := req[bool](f, "found"), count(f, "total"), list[any](f, "page")
	if f.err != nil {
		return res, f.err
	}
	if q.After != "" && !found {
		return res, domain.Invalid("after", "unknown cursor")
	}
	res.TotalCount = total
	for _, v := range page {
		if len(res.Notifications) == q.First {
			res.HasNext = true
			break
		}
		m, err := asRow(v, "notification")
		if err != nil {
			return res, err
		}
		g := &fields{src: m, what: "notification"}
		n := store.Notification{ID: req[string](g, "id"), Kind: req[string](g, "kind"), ActorID: opt[string](g, "actorId"),
			Amount: opt[int64](g, "amount"), At: optTime(g, "at"), Read: opt[bool](g, "read")}
		if g.err != nil {
			return res, g.err
		}
		res.Notifications = append(res.Notifications, n)
	}
	return res, nil
}

// UnreadNotificationCount implements store.Inbox.
func (s *Store) UnreadNotificationCount(ctx context.Context, personID string, since time.Time) (int, error) {
	recs, err := s.read(ctx, `MATCH (p:Person {id: $pid})
RETURN COUNT { MATCH (p)-[:HAS_NOTIFICATION]->(n:Notification) WHERE n.read = false AND n.at >= $since AND `+inboxVisible+` } AS n`,
		map[string]any{"pid": personID, "since": since.UTC()})
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	f := &fields{src: recs[0], what: "unread count"}
	n := count(f, "n")
	return n, f.err
}
