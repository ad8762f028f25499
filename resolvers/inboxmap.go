package resolvers

import (
	"encoding/base64"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Inbox page cursors are base64url of "n:" and a notification id; they
// page the notifications query (subscription cursors are event-store
// positions, see internal/cursor).
func encodeInboxCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n:" + id))
}

// inboxArgs checks first (1–100) and decodes after ("" for none).
func inboxArgs(first *int, after *string) (int, string, error) {
	n := 20
	if first != nil {
		n = *first
	}
	if n < 1 || n > MaxPageSize {
		return 0, "", domain.Invalid("first", "first must be between 1 and %d", MaxPageSize)
	}
	if after == nil || *after == "" {
		return n, "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil || len(raw) < 3 || string(raw[:2]) != "n:" {
		return 0, "", domain.Invalid("after", "malformed cursor")
	}
	return n, string(raw[2:]), nil
}

func toNotificationConnection(pg store.NotificationPage) *model.NotificationConnection {
	conn := &model.NotificationConnection{TotalCount: pg.TotalCount, Edges: []model.NotificationEdge{}}
	end := ""
	for _, n := range pg.Notifications {
		c := encodeInboxCursor(n.ID)
		node := &gqlmodel.Notification{ID: n.ID, Kind: gqlmodel.NotificationKind(n.Kind), At: n.At, ActorID: n.ActorID, Cursor: c, Read: n.Read}
		if n.Kind == domain.NotificationCoinsReceived {
			amount := int(n.Amount)
			node.Amount = &amount
		}
		conn.Edges = append(conn.Edges, model.NotificationEdge{Cursor: c, Node: node})
		end = c
	}
	conn.PageInfo = &model.PageInfo{HasNextPage: pg.HasNext}
	if end != "" {
		conn.PageInfo.EndCursor = &end
	}
	return conn
}
