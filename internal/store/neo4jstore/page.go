package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/interestgraph/interestgraph/internal/store"
)

// orderSpec is how one store.FollowOrder reads in Cypher over a list
// whose edge is r and person x: the order key, the clause that keeps only
// what comes after the cursor ($after and $key, or $bound for an order by
// a listKey), and the ORDER BY; hint, if any, follows the list's pattern
// (an order by a listKey).
type orderSpec struct{ key, after, by, hint string }

// orderSpecs are the orders over x and r of the fixed page statements (a
// variable, not init, so that the statements built from it see it filled).
var orderSpecs = func() map[store.FollowOrder]orderSpec {
	out := map[store.FollowOrder]orderSpec{}
	for _, o := range []store.FollowOrder{store.ByID, store.ByNewest, store.ByOldest, store.ByName} {
		out[o] = orderOf(o, "x", "r", "$after", "$key")
	}
	return out
}()

// orderOf is the orderSpec of o over person x and edge r, with the
// cursor's id and order key in the parameters after and key.
func orderOf(o store.FollowOrder, x, r, after, key string) orderSpec {
	first := "(" + after + " = '' OR "
	tie := " OR (%s = " + key + " AND " + x + ".id > " + after + "))"
	switch o {
	case store.ByNewest: // OLDEST reversed, ties too (as a listKey reads it)
		return orderSpec{key: r + ".since", after: first + r + ".since < " + key + " OR (" + r + ".since = " + key + " AND " + x + ".id < " + after + "))",
			by: r + ".since DESC, " + x + ".id DESC"}
	case store.ByOldest:
		return orderSpec{key: r + ".since", after: first + r + ".since > " + key + fmt.Sprintf(tie, r+".since"), by: r + ".since, " + x + ".id"}
	case store.ByName:
		return orderSpec{key: x + ".name", after: first + x + ".name > " + key + fmt.Sprintf(tie, x+".name"), by: x + ".name, " + x + ".id"}
	}
	return orderSpec{key: x + ".id", after: x + ".id > " + after, by: x + ".id"}
}

// listShape is a person list: the anchor a bound from key, the pattern
// from a to x through edge r, and a filter on x. If r carries a listKey
// of a, its time orders read that.
type listShape struct {
	anchor, pattern, filter string
	key                     *listKey
}

// pageStatement pages one list in one order: it reads only the first
// $limit persons after the cursor (ORDER BY … LIMIT, so a top-k sort and
// never a collected list) and counts the list with COUNT {} only when
// count is set. The texts are fixed per (list, order, count), so Neo4j's
// plan cache keeps hitting.
func pageStatement(l listShape, o orderSpec, count bool) string {
	total := "0"
	if count {
		total = "COUNT { MATCH " + l.pattern + " WHERE " + l.filter + " RETURN DISTINCT x }"
	}
	// An order by a listKey sorts by r, which DISTINCT would drop: its
	// list has one edge per member anyway.
	distinct := "DISTINCT "
	if o.hint != "" {
		distinct = ""
	}
	return `UNWIND $keys AS key
OPTIONAL MATCH ` + l.anchor + `
CALL {
  WITH a
  MATCH ` + l.pattern + o.hint + ` WHERE ` + l.filter + ` AND ` + o.after + `
  WITH ` + distinct + `x, ` + o.key + ` AS k ORDER BY ` + o.by + ` LIMIT $limit
  RETURN collect(` + personMap + `) AS persons, collect(k) AS keys
}
RETURN key, ` + total + ` AS total, persons, keys`
}

// statements holds every statement of one list, by order and count.
type statements map[store.FollowOrder][2]string

func compileList(l listShape) statements {
	out := statements{}
	for o, spec := range orderSpecs {
		if l.key != nil && o.ByTime() {
			spec = l.key.order(o, "r", "a", "$bound")
		}
		out[o] = [2]string{pageStatement(l, spec, false), pageStatement(l, spec, true)}
	}
	return out
}

const registered = "(a:Person {id: key}) WHERE a.name IS NOT NULL"

var (
	followersStatements = compileList(listShape{anchor: registered, pattern: "(a)<-[r:FOLLOWS]-(x:Person)", filter: "x.name IS NOT NULL",
		key: &followersKey})
	followingStatements = compileList(listShape{anchor: registered, pattern: "(a)-[r:FOLLOWS]->(x:Person)", filter: "x.name IS NOT NULL"})
	interestStatements  = compileList(listShape{anchor: "(a:Interest {name: key})", pattern: "(a)<-[r:INTERESTED_IN]-(x:Person)", filter: "x.name IS NOT NULL",
		key: &personsKey})
)

// pick returns the statement of pg's order and count.
func (st statements) pick(pg store.Page) (string, error) {
	pair, ok := st[pg.Order]
	if !ok {
		return "", fmt.Errorf("neo4j: unknown list order %q", pg.Order)
	}
	if pg.SkipTotal {
		return pair[0], nil
	}
	return pair[1], nil
}

// pageParams are the parameters of a page statement; the order key is
// typed as the property it is compared with, and a time order's cursor is
// also given as a listKey's bound.
func pageParams(keys []string, pg store.Page) (map[string]any, error) {
	params := map[string]any{"keys": keys, "after": pg.After, "limit": pg.First + 1, "key": nil, "bound": nil}
	if pg.Order.ByTime() {
		b, err := keyBound(pg)
		if err != nil {
			return nil, err
		}
		params["bound"] = b
	}
	switch {
	case pg.After == "":
	case pg.Order.ByTime():
		t, err := store.ParseTimeKey(pg.AfterKey)
		if err != nil {
			return nil, err
		}
		params["key"] = t
	case pg.Order == store.ByName:
		params["key"] = pg.AfterKey
	}
	return params, nil
}

func (s *Store) pages(ctx context.Context, st statements, keys []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.pagesWith(ctx, st, keys, pg, nil)
}

// pagesWith reads a page of each key's list; extra adds the parameters
// of the list's own pattern (the viewer of social lists).
func (s *Store) pagesWith(ctx context.Context, st statements, keys []string, pg store.Page, extra map[string]any) (map[string]store.PersonPage, error) {
	cypher, err := st.pick(pg)
	if err != nil {
		return nil, err
	}
	params, err := pageParams(keys, pg)
	if err != nil {
		return nil, err
	}
	for k, v := range extra {
		params[k] = v
	}
	recs, err := s.read(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.PersonPage, len(keys))
	for _, r := range recs {
		f := &fields{src: r, what: "page of persons"}
		key, total, persons, ks := req[string](f, "key"), count(f, "total"), list[any](f, "persons"), list[any](f, "keys")
		if f.err != nil {
			return nil, f.err
		}
		page, err := personPage(total, persons, pg.First)
		if err != nil {
			return nil, err
		}
		if pg.Order != store.ByID {
			if page.Keys, err = orderKeys(ks, len(page.Persons)); err != nil {
				return nil, err
			}
		}
		out[key] = page
	}
	return out, nil
}

// orderKeys turns the first n order keys of a page into cursor keys. A
// list edge without a since would have been dropped by collect, so fewer
// keys than persons is an error, not a shifted page.
func orderKeys(ks []any, n int) ([]string, error) {
	if len(ks) < n {
		return nil, fmt.Errorf("neo4j: %d order keys for %d persons", len(ks), n)
	}
	out := make([]string, n)
	for i, k := range ks[:n] {
		switch v := k.(type) {
		case time.Time:
			out[i] = store.TimeKey(v)
		case string:
			out[i] = v
		default:
			return nil, fmt.Errorf("neo4j: order key of type %T", k)
		}
	}
	return out, nil
}
