package resolvers

import (
	"bytes"
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// answerWriter writes the data of a direct answer as gqlgen would: the
// same model values the resolvers return (toPerson, plannedList, walletOf)
// through gqlgen's own scalar marshalers, objects and lists framed as
// gqlgen frames them. Each method answers false where gqlgen would not
// write a plain value: a null where the schema says non-null, a read that
// does not hold what the plan asked, anything a resolver would have
// reported as an error.
type answerWriter struct {
	ctx context.Context
	buf bytes.Buffer
}

// object writes the fields of s in order; field writes the value of each
// but __typename.
func (w *answerWriter) object(s shape, field func(*shapeField) bool) bool {
	w.buf.WriteByte('{')
	for i := range s {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.buf.Write(s[i].key)
		if s[i].kind == typenameField {
			w.buf.Write(s[i].typename)
		} else if !field(&s[i]) {
			return false
		}
	}
	w.buf.WriteByte('}')
	return true
}

// array writes a list of n values.
func (w *answerWriter) array(n int, elem func(int) bool) bool {
	w.buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		if !elem(i) {
			return false
		}
	}
	w.buf.WriteByte(']')
	return true
}

// required writes a non-null scalar; false when gqlgen's marshaler says null.
func (w *answerWriter) required(m graphql.Marshaler) bool {
	if m == graphql.Null {
		return false
	}
	m.MarshalGQL(&w.buf)
	return true
}

// optional writes a nullable string.
func (w *answerWriter) optional(s *string) bool {
	if s == nil {
		graphql.Null.MarshalGQL(&w.buf)
		return true
	}
	graphql.MarshalString(*s).MarshalGQL(&w.buf)
	return true
}

// person writes p, a person of a planned read (Prefetched set).
func (w *answerWriter) person(p *gqlmodel.Person, s shape) bool {
	if p == nil || p.Prefetched == nil {
		return false
	}
	return w.object(s, func(f *shapeField) bool {
		switch f.kind {
		case personID:
			return w.required(graphql.MarshalID(p.ID))
		case personName:
			return w.required(graphql.MarshalString(p.Name))
		case personEmail:
			return w.optional(p.Email)
		case personRegisteredAt:
			return w.required(graphql.MarshalTime(p.RegisteredAt))
		case personFollowerCount:
			return w.required(graphql.MarshalInt(p.FollowerCount))
		case personFollowingCount:
			return w.required(graphql.MarshalInt(p.FollowingCount))
		case personBio:
			return w.optional(p.Bio)
		case personWallet:
			return w.wallet(walletOf(w.ctx, p), f.sub)
		case personInterests:
			list, ok := plannedInterests(p.Prefetched, f.interests)
			return ok && w.array(len(list), func(i int) bool { return w.interest(list[i], f.sub) })
		case personList:
			conn, ok, err := plannedList(w.ctx, p.Prefetched, f.list)
			return ok && err == nil && w.connection(conn, f.sub)
		}
		return false
	})
}

func (w *answerWriter) wallet(wl *gqlmodel.Wallet, s shape) bool {
	if wl == nil {
		graphql.Null.MarshalGQL(&w.buf)
		return true
	}
	return w.object(s, func(f *shapeField) bool {
		return f.kind == walletBalance && w.required(graphql.MarshalInt(wl.Balance))
	})
}

// interest writes an interest of a planned read; its shape has
// personCount only where the plan read the counts.
func (w *answerWriter) interest(in store.Interest, s shape) bool {
	return w.object(s, func(f *shapeField) bool {
		switch f.kind {
		case interestName:
			return w.required(graphql.MarshalString(in.Name))
		case interestPersonCount:
			return w.required(graphql.MarshalInt(in.PersonCount))
		}
		return false
	})
}

func (w *answerWriter) connection(c *model.PersonConnection, s shape) bool {
	return w.object(s, func(f *shapeField) bool {
		switch f.kind {
		case connectionTotalCount:
			return w.required(graphql.MarshalInt(c.TotalCount))
		case connectionEdges:
			return w.array(len(c.Edges), func(i int) bool { return w.edge(&c.Edges[i], f.sub) })
		case connectionPageInfo:
			return c.PageInfo != nil && w.object(f.sub, func(f *shapeField) bool {
				if f.kind == pageHasNextPage {
					return w.required(graphql.MarshalBoolean(c.PageInfo.HasNextPage))
				}
				return f.kind == pageEndCursor && w.optional(c.PageInfo.EndCursor)
			})
		}
		return false
	})
}

func (w *answerWriter) edge(e *model.PersonEdge, s shape) bool {
	return w.object(s, func(f *shapeField) bool {
		switch f.kind {
		case edgeCursor:
			return w.required(graphql.MarshalString(e.Cursor))
		case edgeNode:
			return w.person(e.Node, f.sub)
		}
		return false
	})
}
