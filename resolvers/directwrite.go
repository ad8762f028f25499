package resolvers

import (
	"bytes"
	"context"
	"strconv"

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
	return w.str(*s)
}

// str writes s as gqlgen's MarshalString does: quoted, with control
// characters, \ and " escaped and every other byte as it is (bytes below
// 0x80 never occur inside a multi-byte UTF-8 sequence, so a byte loop
// escapes what gqlgen's rune loop does). MarshalString allocates a
// closure per string; a nested read writes hundreds.
func (w *answerWriter) str(s string) bool {
	const hex = "0123456789ABCDEF"
	w.buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		w.buf.WriteString(s[start:i])
		switch c {
		case '\t':
			w.buf.WriteString(`\t`)
		case '\r':
			w.buf.WriteString(`\r`)
		case '\n':
			w.buf.WriteString(`\n`)
		case '\\', '"':
			w.buf.Write([]byte{'\\', c})
		default:
			w.buf.Write([]byte{'\\', 'u', '0', '0', hex[c>>4], hex[c&0xF]})
		}
		start = i + 1
	}
	w.buf.WriteString(s[start:])
	w.buf.WriteByte('"')
	return true
}

// int writes n as gqlgen's MarshalInt does.
func (w *answerWriter) int(n int) bool {
	w.buf.Write(strconv.AppendInt(w.buf.AvailableBuffer(), int64(n), 10))
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
			return w.str(p.ID)
		case personName:
			return w.str(p.Name)
		case personEmail:
			return w.optional(p.Email)
		case personRegisteredAt:
			return w.required(graphql.MarshalTime(p.RegisteredAt))
		case personFollowerCount:
			return w.int(p.FollowerCount)
		case personFollowingCount:
			return w.int(p.FollowingCount)
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
		return f.kind == walletBalance && w.int(wl.Balance)
	})
}

// interest writes an interest of a planned read; its shape has
// personCount only where the plan read the counts.
func (w *answerWriter) interest(in store.Interest, s shape) bool {
	return w.object(s, func(f *shapeField) bool {
		switch f.kind {
		case interestName:
			return w.str(in.Name)
		case interestPersonCount:
			return w.int(in.PersonCount)
		}
		return false
	})
}

func (w *answerWriter) connection(c *model.PersonConnection, s shape) bool {
	return w.object(s, func(f *shapeField) bool {
		switch f.kind {
		case connectionTotalCount:
			return w.int(c.TotalCount)
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
			return w.str(e.Cursor)
		case edgeNode:
			return w.person(e.Node, f.sub)
		}
		return false
	})
}
