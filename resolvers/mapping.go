package resolvers

import (
	"context"
	"encoding/base64"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// Page size limits, documented in the README.
const (
	MaxPageSize = 100
)

// toPerson maps a store person to the API, with the email only where the
// application says the caller may see it (the person themself and admins).
func toPerson(ctx context.Context, p store.Person) *gqlmodel.Person {
	if !app.MaySee(ctx, app.SeeEmail, p.ID) {
		p.Email = ""
	}
	return mapPerson(p)
}

// mapPerson maps a person as the application handed it over.
func mapPerson(p store.Person) *gqlmodel.Person {
	out := &gqlmodel.Person{ID: p.ID, Name: p.Name, RegisteredAt: p.RegisteredAt, FollowerCount: p.FollowerCount, FollowingCount: p.FollowingCount, Balance: p.Balance}
	if p.Email != "" {
		email := p.Email
		out.Email = &email
	}
	if p.Bio != "" {
		bio := p.Bio
		out.Bio = &bio
	}
	return out
}

func toReceipt(r app.Receipt) *model.CommandReceipt {
	out := &model.CommandReceipt{CommandID: r.CommandID, Status: model.CommandStatus(r.Status)}
	if r.Reason != "" {
		reason := r.Reason
		out.Reason = &reason
	}
	return out
}

// toSession maps a session, whose person the application hands over as
// its owner sees it.
func toSession(s app.Session) *model.AuthPayload {
	return &model.AuthPayload{AccessToken: s.AccessToken, ExpiresAt: s.ExpiresAt, IDToken: s.IDToken, RefreshToken: s.RefreshToken, Person: mapPerson(s.Person)}
}

// Cursors are opaque to clients: base64 of the last person id of a page.
func encodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte("p:" + id)) }

func decodeCursor(c *string) (string, error) {
	if c == nil || *c == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*c)
	if err != nil || len(raw) < 3 || string(raw[:2]) != "p:" {
		return "", domain.Invalid("after", "malformed cursor")
	}
	return string(raw[2:]), nil
}

func pageArgs(first *int, after *string, def int) (int, string, error) {
	n := def
	if first != nil {
		n = *first
	}
	if n < 1 || n > MaxPageSize {
		return 0, "", domain.Invalid("first", "first must be between 1 and %d", MaxPageSize)
	}
	a, err := decodeCursor(after)
	return n, a, err
}

func toConnection(ctx context.Context, pg store.PersonPage) *model.PersonConnection {
	conn := &model.PersonConnection{TotalCount: pg.TotalCount, Edges: []model.PersonEdge{}}
	last := ""
	for _, p := range pg.Persons {
		conn.Edges = append(conn.Edges, model.PersonEdge{Cursor: encodeCursor(p.ID), Node: toPerson(ctx, p)})
		last = p.ID
	}
	conn.PageInfo = pageInfo(pg.HasNext, last)
	return conn
}

func toTransferConnection(pg store.TransferPage) *model.TransferConnection {
	conn := &model.TransferConnection{TotalCount: pg.TotalCount, Edges: []model.TransferEdge{}}
	last := ""
	for _, t := range pg.Transfers {
		node := toTransfer(t)
		conn.Edges = append(conn.Edges, model.TransferEdge{Cursor: encodeCursor(t.ID), Node: &node})
		last = t.ID
	}
	conn.PageInfo = pageInfo(pg.HasNext, last)
	return conn
}

// pageInfo ends a page at the id of its last item ("" for an empty page).
func pageInfo(hasNext bool, lastID string) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext}
	if lastID != "" {
		end := encodeCursor(lastID)
		info.EndCursor = &end
	}
	return info
}

// toPersonEvent maps a published event to its GraphQL type; nil for
// events that are not public changes of a person (coin events never are).
// The data was decoded once by the hub for every subscriber.
func toPersonEvent(m stream.Message) gqlmodel.PersonEvent {
	ev := m.Event
	switch d := m.Data.(type) {
	case nil:
		if ev.Type == domain.EvPersonRegistered {
			return &gqlmodel.PersonRegistered{ID: ev.ID, At: ev.At, CommandID: ev.CommandID, PersonID: ev.Subject, Cursor: m.Cursor}
		}
		if ev.Type == domain.EvProfileUpdated {
			return &gqlmodel.ProfileUpdated{ID: ev.ID, At: ev.At, CommandID: ev.CommandID, PersonID: ev.Subject, Cursor: m.Cursor}
		}
	case domain.InterestData:
		if ev.Type == domain.EvInterestAdded {
			return &gqlmodel.InterestAdded{ID: ev.ID, At: ev.At, CommandID: ev.CommandID, PersonID: ev.Subject, InterestName: d.Interest, Cursor: m.Cursor}
		}
		return &gqlmodel.InterestRemoved{ID: ev.ID, At: ev.At, CommandID: ev.CommandID, PersonID: ev.Subject, InterestName: d.Interest, Cursor: m.Cursor}
	case domain.FollowData:
		if ev.Type == domain.EvFollowed {
			return &gqlmodel.Followed{ID: ev.ID, At: ev.At, CommandID: ev.CommandID, PersonID: ev.Subject, FolloweeID: d.FolloweeID, Cursor: m.Cursor}
		}
		return &gqlmodel.Unfollowed{ID: ev.ID, At: ev.At, CommandID: ev.CommandID, PersonID: ev.Subject, FolloweeID: d.FolloweeID, Cursor: m.Cursor}
	}
	return nil
}

// toNotification maps the notification m means to the API. Which events
// are notifications is stream.Message.Notification's decision, and the
// application hands over only the caller's.
func toNotification(m stream.Message) (*gqlmodel.Notification, bool) {
	n, ok := m.Notification()
	if !ok {
		return nil, false
	}
	out := &gqlmodel.Notification{ID: n.ID, Kind: gqlmodel.NotificationKind(n.Kind), At: n.At, ActorID: n.ActorID, Cursor: m.Cursor}
	if n.Kind == domain.NotificationCoinsReceived {
		amount := int(n.Amount)
		out.Amount = &amount
	}
	return out, true
}

func toTransfer(t store.Transfer) gqlmodel.Transfer {
	out := gqlmodel.Transfer{ID: t.ID, Kind: gqlmodel.TransferKind(t.Kind), Amount: int(t.Amount), At: t.At, FromID: t.From, ToID: t.To}
	if t.Memo != "" {
		memo := t.Memo
		out.Memo = &memo
	}
	return out
}

// walletOf is p's wallet, or nil where the application says the caller
// may not see it (anyone but the person themself and admins).
func walletOf(ctx context.Context, p *gqlmodel.Person) *gqlmodel.Wallet {
	if !app.MaySee(ctx, app.SeeWallet, p.ID) {
		return nil
	}
	return &gqlmodel.Wallet{Balance: int(p.Balance), PersonID: p.ID}
}
