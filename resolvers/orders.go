package resolvers

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// maxCursor bounds a cursor's decoded size: an id and a name or a time.
const maxCursor = 1_024

// followOrder maps the schema's FollowOrder (NEWEST when absent, the
// schema's default) to the store's.
func followOrder(o *model.FollowOrder) (store.FollowOrder, error) {
	if o == nil {
		return store.ByNewest, nil
	}
	so := store.FollowOrder(*o)
	if so == store.ByID || !so.Valid() {
		return "", domain.Invalid("orderBy", "unknown order")
	}
	return so, nil
}

// Ordered cursors are opaque to clients: base64 of "k:", the order, the
// length of the person id, the id and the order key of the last item, so
// that a page boundary is one exact point of that order, stable while the
// list changes. The length makes any id and key decode to themselves.
func encodeOrderedCursor(o store.FollowOrder, id, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("k:" + string(o) + ":" + strconv.Itoa(len(id)) + ":" + id + key))
}

// decodeOrderedCursor reads a cursor of order o into a store.Page's After
// and AfterKey; a cursor of another order is refused, not reinterpreted.
func decodeOrderedCursor(c *string, o store.FollowOrder) (after, key string, err error) {
	if c == nil || *c == "" {
		return "", "", nil
	}
	bad := domain.Invalid("after", "malformed cursor, or one of another orderBy")
	if len(*c) > base64.RawURLEncoding.EncodedLen(maxCursor) {
		return "", "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(*c)
	if err != nil {
		return "", "", bad
	}
	rest, ok := strings.CutPrefix(string(raw), "k:"+string(o)+":")
	n, rest, found := strings.Cut(rest, ":")
	size, err := strconv.Atoi(n)
	if !ok || !found || err != nil || size < 1 || size > len(rest) {
		return "", "", bad
	}
	after, key = rest[:size], rest[size:]
	if o.ByTime() {
		if _, err := store.ParseTimeKey(key); err != nil {
			return "", "", bad
		}
	}
	return after, key, nil
}

// pageOf reads the arguments of an orderable list into a store page.
func pageOf(first *int, after *string, orderBy *model.FollowOrder) (store.Page, error) {
	o, err := followOrder(orderBy)
	if err != nil {
		return store.Page{}, err
	}
	n, _, err := pageArgs(first, nil, 20)
	if err != nil {
		return store.Page{}, err
	}
	a, k, err := decodeOrderedCursor(after, o)
	if err != nil {
		return store.Page{}, err
	}
	return store.Page{First: n, After: a, Order: o, AfterKey: k}, nil
}

// orderedConnection is connection for the lists users can order: from
// what a compiled read holds (obj's Prefetched) or else through loader l.
func (r *Resolver) orderedConnection(ctx context.Context, obj *gqlmodel.Person, l pageLoad, first *int, after *string, orderBy *model.FollowOrder) (*model.PersonConnection, error) {
	if pf := obj.Prefetched; pf != nil {
		// A read without the list (a store that did not plan it) leaves
		// it to the loader.
		if lk, ok := pf.Keys.Lists[graphql.GetFieldContext(ctx).Field.Alias]; ok {
			if conn, held, err := plannedList(ctx, pf, lk); held {
				return conn, err
			}
		}
	}
	pg, err := pageOf(first, after, orderBy)
	if err != nil {
		return nil, err
	}
	pg.SkipTotal = !selects(ctx, "totalCount")
	page, err := l.Load(ctx, pageKey{Key: obj.ID, First: pg.First, After: pg.After, Order: pg.Order, AfterKey: pg.AfterKey, SkipTotal: pg.SkipTotal})
	if err != nil {
		return nil, err
	}
	return orderedPage(pg.Order, page, func(_ int, p store.Person) *gqlmodel.Person { return toPerson(ctx, p) })
}

// orderedPage maps a page read in order o; node maps its i-th person.
func orderedPage(o store.FollowOrder, pg store.PersonPage, node func(int, store.Person) *gqlmodel.Person) (*model.PersonConnection, error) {
	if len(pg.Keys) != len(pg.Persons) {
		return nil, fmt.Errorf("page of %d persons with %d order keys", len(pg.Persons), len(pg.Keys))
	}
	conn := &model.PersonConnection{TotalCount: pg.TotalCount, Edges: make([]model.PersonEdge, 0, len(pg.Persons))}
	var end *string
	for i, p := range pg.Persons {
		c := encodeOrderedCursor(o, p.ID, pg.Keys[i])
		conn.Edges = append(conn.Edges, model.PersonEdge{Cursor: c, Node: node(i, p)})
		end = &c
	}
	conn.PageInfo = &model.PageInfo{HasNextPage: pg.HasNext, EndCursor: end}
	return conn, nil
}

// plainPage is a page read without cursors (store.ListPlan.NoCursors):
// edges without a cursor and no next page, as no cursor and no pageInfo
// was selected.
func plainPage(pg store.PersonPage, node func(int, store.Person) *gqlmodel.Person) *model.PersonConnection {
	conn := &model.PersonConnection{TotalCount: pg.TotalCount, Edges: make([]model.PersonEdge, len(pg.Persons)),
		PageInfo: &model.PageInfo{}}
	for i, p := range pg.Persons {
		conn.Edges[i].Node = node(i, p)
	}
	return conn
}
