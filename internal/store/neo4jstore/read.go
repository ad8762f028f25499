package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// personMap projects a registered person node x with its counts; stubs
// (persons seen only at the end of an edge) have no name and are skipped.
const personMap = `x {.id, .name, .email, .registeredAt, .balance, .bio,
  followers: COUNT { (x)<-[:FOLLOWS]-(f:Person) WHERE f.name IS NOT NULL },
  following: COUNT { (x)-[:FOLLOWS]->(g:Person) WHERE g.name IS NOT NULL }}`

// toPerson maps a personMap projection. Only registered persons are
// projected, so id and name are required; the rest may be unset (a person
// who never received coins has no balance property).
func toPerson(v any) (store.Person, error) {
	m, err := asRow(v, "person")
	if err != nil {
		return store.Person{}, err
	}
	return personFrom(m)
}

// personFrom reads a person's properties and counts from g, a map
// projection or a planned person's columns.
func personFrom(g getter) (store.Person, error) {
	f := &fields{src: g, what: "person"}
	p := store.Person{
		ID:             req[string](f, "id"),
		Name:           req[string](f, "name"),
		Email:          opt[string](f, "email"),
		RegisteredAt:   optTime(f, "registeredAt"),
		FollowerCount:  optCount(f, "followers"),
		FollowingCount: optCount(f, "following"),
		Balance:        opt[int64](f, "balance"),
		Bio:            opt[string](f, "bio"),
	}
	return p, f.err
}

// namedPersonFrom reads a planned person's id, name and counts only
// (store.PersonPlan.SkipProfile).
func namedPersonFrom(g getter) (store.Person, error) {
	f := &fields{src: g, what: "person"}
	p := store.Person{ID: req[string](f, "id"), Name: req[string](f, "name"),
		FollowerCount: optCount(f, "followers"), FollowingCount: optCount(f, "following")}
	return p, f.err
}

// PersonsByIDs implements store.Reader.
func (s *Store) PersonsByIDs(ctx context.Context, ids []string) (map[string]store.Person, error) {
	recs, err := s.read(ctx, `UNWIND $ids AS id MATCH (x:Person {id: id}) WHERE x.name IS NOT NULL
RETURN `+personMap+` AS p`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.Person, len(recs))
	for _, r := range recs {
		v, _ := r.Get("p")
		p, err := toPerson(v)
		if err != nil {
			return nil, err
		}
		out[p.ID] = p
	}
	return out, nil
}

// InterestsOf implements store.Reader.
func (s *Store) InterestsOf(ctx context.Context, ids []string) (map[string][]string, error) {
	recs, err := s.read(ctx, `UNWIND $ids AS id MATCH (p:Person {id: id}) WHERE p.name IS NOT NULL
OPTIONAL MATCH (p)-[:INTERESTED_IN]->(i:Interest)
WITH id, i.name AS name ORDER BY name
RETURN id, collect(name) AS names`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(ids))
	for _, id := range ids {
		out[id] = []string{}
	}
	for _, r := range recs {
		f := &fields{src: r, what: "interests of a person"}
		id, names := req[string](f, "id"), list[string](f, "names")
		if f.err != nil {
			return nil, f.err
		}
		out[id] = names
	}
	return out, nil
}

// personPage keeps the first persons of a page read with one extra, which
// only says whether there is a next page.
func personPage(total int, persons []any, first int) (store.PersonPage, error) {
	page := store.PersonPage{TotalCount: total, Persons: []store.Person{}}
	for _, v := range persons {
		if len(page.Persons) == first {
			page.HasNext = true
			break
		}
		p, err := toPerson(v)
		if err != nil {
			return store.PersonPage{}, err
		}
		page.Persons = append(page.Persons, p)
	}
	return page, nil
}

// Followers implements store.Reader.
func (s *Store) Followers(ctx context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.pages(ctx, followersStatements, ids, pg)
}

// Following implements store.Reader.
func (s *Store) Following(ctx context.Context, ids []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.pages(ctx, followingStatements, ids, pg)
}

// InterestPersons implements store.Reader.
func (s *Store) InterestPersons(ctx context.Context, names []string, pg store.Page) (map[string]store.PersonPage, error) {
	return s.pages(ctx, interestStatements, names, pg)
}

// InterestsByNames implements store.Reader.
func (s *Store) InterestsByNames(ctx context.Context, names []string) (map[string]store.Interest, error) {
	recs, err := s.read(ctx, `UNWIND $names AS name MATCH (i:Interest {name: name})
RETURN i.name AS name, COUNT { (i)<-[:INTERESTED_IN]-(p:Person) WHERE p.name IS NOT NULL } AS n`, map[string]any{"names": names})
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.Interest, len(recs))
	for _, r := range recs {
		f := &fields{src: r, what: "interest"}
		i := store.Interest{Name: req[string](f, "name"), PersonCount: count(f, "n")}
		if f.err != nil {
			return nil, f.err
		}
		out[i.Name] = i
	}
	return out, nil
}

// Snapshot implements store.Snapshotter.
func (s *Store) Snapshot(ctx context.Context, ids []string) (store.Snapshot, error) {
	recs, err := s.read(ctx, `UNWIND $ids AS id MATCH (p:Person {id: id})
RETURN p.id AS id, p.name AS name, p.email AS email, p.registeredAt AS at, coalesce(p.balance, 0) AS balance,
  [(p)-[:SENT]->(t:Transfer) | t {.id, .kind, .amount, .memo, .at, from: p.id, to: head([(t)-[:RECEIVED_BY]->(r) | r.id])}] +
  [(g:Transfer {kind: 'GRANT'})-[:RECEIVED_BY]->(p) | g {.id, .kind, .amount, .memo, .at, from: null, to: p.id}] AS ledger,
  [(p)-[r:INTERESTED_IN]->(i:Interest) | {to: i.name, since: r.since}] AS interests,
  [(p)-[r:FOLLOWS]->(q:Person) | {to: q.id, since: r.since}] AS follows
ORDER BY id`, map[string]any{"ids": ids})
	if err != nil {
		return store.Snapshot{}, err
	}
	var snap store.Snapshot
	for _, r := range recs {
		sp, err := toSnapshotPerson(r)
		if err != nil {
			return store.Snapshot{}, err
		}
		snap.Persons = append(snap.Persons, sp)
	}
	return snap, nil
}

// toSnapshotPerson maps a row of Snapshot. Stubs (persons seen only at the
// end of an edge) are included, so only the id is required.
func toSnapshotPerson(r getter) (store.SnapshotPerson, error) {
	f := &fields{src: r, what: "snapshot person"}
	sp := store.SnapshotPerson{
		ID:           req[string](f, "id"),
		Name:         opt[string](f, "name"),
		Email:        opt[string](f, "email"),
		RegisteredAt: optTime(f, "at"),
		Balance:      req[int64](f, "balance"),
		Ledger:       []store.Transfer{},
	}
	interests, follows, ledger := list[any](f, "interests"), list[any](f, "follows"), list[any](f, "ledger")
	if f.err != nil {
		return store.SnapshotPerson{}, f.err
	}
	var err error
	if sp.Interests, err = toEdges(interests); err != nil {
		return store.SnapshotPerson{}, err
	}
	if sp.Follows, err = toEdges(follows); err != nil {
		return store.SnapshotPerson{}, err
	}
	for _, v := range ledger {
		t, err := toTransfer(v)
		if err != nil {
			return store.SnapshotPerson{}, err
		}
		sp.Ledger = append(sp.Ledger, t)
	}
	sort.Slice(sp.Ledger, func(i, j int) bool { return sp.Ledger[i].ID < sp.Ledger[j].ID })
	return sp, nil
}

func toEdges(list []any) ([]store.SnapshotEdge, error) {
	out := make([]store.SnapshotEdge, 0, len(list))
	for _, e := range list {
		m, err := asRow(e, "edge")
		if err != nil {
			return nil, err
		}
		f := &fields{src: m, what: "edge"}
		edge := store.SnapshotEdge{To: req[string](f, "to"), Since: optTime(f, "since")}
		if f.err != nil {
			return nil, f.err
		}
		out = append(out, edge)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].To < out[j].To })
	return out, nil
}

// Empty implements store.Snapshotter.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	recs, err := s.read(ctx, "MATCH (p:Person) RETURN 1 LIMIT 1", nil)
	if err != nil {
		return false, err
	}
	return len(recs) == 0, nil
}

// toAccount maps an account row. Accounts from a provider have no password
// hash and may have no email; every account belongs to a person.
func toAccount(r getter) (store.Account, error) {
	f := &fields{src: r, what: "account"}
	a := store.Account{
		PersonID:     req[string](f, "pid"),
		Email:        opt[string](f, "email"),
		ProviderKey:  opt[string](f, "provider"),
		Name:         opt[string](f, "name"),
		PasswordHash: opt[string](f, "hash"),
		CreatedAt:    optTime(f, "at"),
	}
	a.Roles = optList[string](f, "roles")
	if f.err != nil {
		return store.Account{}, f.err
	}
	return a, nil
}

// CommandOutcome implements store.Reader.
func (s *Store) CommandOutcome(ctx context.Context, id string) (domain.Outcome, string, bool, error) {
	recs, err := s.read(ctx, "MATCH (c:Command {id: $id}) RETURN c.outcome AS outcome, c.actor AS actor", map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return domain.Outcome{}, "", false, err
	}
	f := &fields{src: recs[0], what: "command"}
	raw, actor := req[string](f, "outcome"), opt[string](f, "actor")
	if f.err != nil {
		return domain.Outcome{}, "", false, f.err
	}
	var out domain.Outcome
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return domain.Outcome{}, "", false, fmt.Errorf("decode outcome of %s: %w", id, err)
	}
	return out, actor, true, nil
}

// nilIfEmpty leaves a property unset instead of storing "": uniqueness
// constraints ignore missing properties but not empty strings.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
