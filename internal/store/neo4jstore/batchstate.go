package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// batchState answers domain.State for a run of commands decided together:
// what one statement read up front (prefetch), plus the changes of the
// run's earlier decisions, which are not written yet (pendingWrites). A
// question the prefetch did not foresee is asked of the transaction, whose
// view is the graph as of the last flush: every key a pending change
// touches is held here, so that view is never stale for it.
type batchState struct {
	tx        txState
	exists    map[string]bool
	follows   map[[2]string]bool
	blocks    map[[2]string]bool
	held      map[[2]string]bool // person, interest
	interests map[string]*counter
	following map[string]*counter
}

// counter is a count read from the graph (once known) plus the pending
// changes to it, which the graph does not hold yet.
type counter struct {
	known       bool
	base, delta int
}

func newBatchState(tx txState) *batchState {
	return &batchState{tx: tx, exists: map[string]bool{}, follows: map[[2]string]bool{}, blocks: map[[2]string]bool{},
		held: map[[2]string]bool{}, interests: map[string]*counter{}, following: map[string]*counter{}}
}

func (s *batchState) PersonExists(ctx context.Context, id string) (bool, error) {
	return cached(ctx, s.exists, id, s.tx.PersonExists)
}

func (s *batchState) Follows(ctx context.Context, a, b string) (bool, error) {
	return cached(ctx, s.follows, [2]string{a, b}, func(ctx context.Context, k [2]string) (bool, error) { return s.tx.Follows(ctx, k[0], k[1]) })
}

func (s *batchState) HasInterest(ctx context.Context, id, name string) (bool, error) {
	return cached(ctx, s.held, [2]string{id, name}, func(ctx context.Context, k [2]string) (bool, error) { return s.tx.HasInterest(ctx, k[0], k[1]) })
}

func (s *batchState) Related(ctx context.Context, from, to string, rel domain.Relation) (bool, error) {
	if rel != domain.RelBlocks {
		return s.tx.Related(ctx, from, to, rel) // no batched command changes these
	}
	return cached(ctx, s.blocks, [2]string{from, to}, func(ctx context.Context, k [2]string) (bool, error) {
		return s.tx.Related(ctx, k[0], k[1], domain.RelBlocks)
	})
}

// HasNotification asks the transaction. Marking read is not a batched
// type (batchedTypes): it is decided alone, after the notifications of
// the run before it are written, so the transaction sees them.
func (s *batchState) HasNotification(ctx context.Context, personID, id string) (bool, error) {
	return s.tx.HasNotification(ctx, personID, id)
}

func (s *batchState) InterestCount(ctx context.Context, id string) (int, error) {
	return s.count(ctx, s.interests, id, s.tx.InterestCount)
}

func (s *batchState) FollowingCount(ctx context.Context, id string) (int, error) {
	return s.count(ctx, s.following, id, s.tx.FollowingCount)
}

func (s *batchState) count(ctx context.Context, m map[string]*counter, id string, read func(context.Context, string) (int, error)) (int, error) {
	c := counterOf(m, id)
	if !c.known {
		n, err := read(ctx, id)
		if err != nil {
			return 0, err
		}
		c.base, c.known = n, true
	}
	return c.base + c.delta, nil
}

func counterOf(m map[string]*counter, id string) *counter {
	c, ok := m[id]
	if !ok {
		c = &counter{}
		m[id] = c
	}
	return c
}

func cached[K comparable](ctx context.Context, m map[K]bool, k K, read func(context.Context, K) (bool, error)) (bool, error) {
	if v, ok := m[k]; ok {
		return v, nil
	}
	v, err := read(ctx, k)
	if err != nil {
		return false, err
	}
	m[k] = v
	return v, nil
}

// apply records the state change of a decided event. Ledger events change
// nothing a decision reads.
func (s *batchState) apply(ev domain.Event) error {
	switch ev.Type {
	case domain.EvPersonRegistered:
		var d domain.PersonRegisteredData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		s.exists[d.PersonID] = true
	case domain.EvInterestAdded, domain.EvInterestRemoved:
		var d domain.InterestData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		add := ev.Type == domain.EvInterestAdded
		s.held[[2]string{d.PersonID, d.Interest}] = add
		counterOf(s.interests, d.PersonID).delta += step(add)
	case domain.EvFollowed, domain.EvUnfollowed:
		var d domain.FollowData
		if err := ev.DecodeData(&d); err != nil {
			return err
		}
		add := ev.Type == domain.EvFollowed
		s.follows[[2]string{d.FollowerID, d.FolloweeID}] = add
		counterOf(s.following, d.FollowerID).delta += step(add)
	}
	return nil
}

func step(add bool) int {
	if add {
		return 1
	}
	return -1
}

// cypherPrefetch locks what the batch's commands may lock (on the first
// run only: the lists are empty after), finds the recorded outcomes of the
// run's command ids, and reads everything its decisions are expected to
// ask, in one round trip. Persons are locked before interests, each in
// sorted order, so two partitions' batches never deadlock each other.
const cypherPrefetch = lockCalls + `CALL {
  UNWIND $ids AS cid
  MATCH (c:Command {id: cid})
  RETURN collect({id: c.id, outcome: c.outcome}) AS seen
}
CALL {
  UNWIND $persons AS pid
  MATCH (p:Person {id: pid})
  RETURN collect({id: p.id, exists: p.name IS NOT NULL,
    interests: COUNT { (p)-[:INTERESTED_IN]->(:Interest) }, following: COUNT { (p)-[:FOLLOWS]->(:Person) }}) AS persons
}
CALL {
  UNWIND $pairs AS pr
  MATCH (a:Person {id: pr[0]}), (b:Person {id: pr[1]})
  RETURN collect({a: pr[0], b: pr[1], follows: EXISTS { (a)-[:FOLLOWS]->(b) }, blocks: EXISTS { (a)-[:BLOCKS]->(b) }}) AS pairs
}
CALL {
  UNWIND $held AS h
  MATCH (:Person {id: h[0]})-[:INTERESTED_IN]->(:Interest {name: h[1]})
  RETURN collect(h) AS held
}
RETURN seen, persons, pairs, held`

// prefetchKeys are the keys a run of commands is expected to read.
type prefetchKeys struct {
	ids     []string
	persons map[string]bool
	pairs   map[[2]string]bool
	held    map[[2]string]bool
}

func keysOf(cmds []domain.Command) prefetchKeys {
	k := prefetchKeys{persons: map[string]bool{}, pairs: map[[2]string]bool{}, held: map[[2]string]bool{}}
	for _, cmd := range cmds {
		k.ids = append(k.ids, cmd.ID)
		persons, interests := domain.Touches(cmd)
		for _, p := range persons {
			k.persons[p] = true
			if p != cmd.Actor {
				k.pairs[[2]string{cmd.Actor, p}] = true
				k.pairs[[2]string{p, cmd.Actor}] = true
			}
		}
		for _, name := range interests {
			k.held[[2]string{cmd.Actor, name}] = true
		}
	}
	return k
}

// prefetch runs cypherPrefetch for keys and fills the state with every key
// it asked (absent in the result: false, or zero), returning the recorded
// outcomes by command id.
func (s *batchState) prefetch(ctx context.Context, keys prefetchKeys, lock batchLock) (map[string]domain.Outcome, error) {
	pairs, held := pairList(keys.pairs), pairList(keys.held)
	params := map[string]any{"lockPersons": nonNilStrings(lock.persons), "lockInterests": nonNilStrings(lock.interests),
		"ids": keys.ids, "persons": sortedKeys(keys.persons), "pairs": pairs, "held": held}
	rec, err := single(ctx, s.tx.tx, cypherPrefetch, params)
	if err != nil {
		return nil, fmt.Errorf("read the batch's state: %w", err)
	}
	if rec == nil {
		return nil, fmt.Errorf("read the batch's state: no row")
	}
	for p := range keys.persons {
		s.exists[p] = false
		s.interests[p] = &counter{known: true}
		s.following[p] = &counter{known: true}
	}
	for k := range keys.pairs {
		s.follows[k], s.blocks[k] = false, false
	}
	for k := range keys.held {
		s.held[k] = false
	}
	f := &fields{src: rec, what: "batch state"}
	seen, persons, found, have := list[any](f, "seen"), list[any](f, "persons"), list[any](f, "pairs"), list[any](f, "held")
	if f.err != nil {
		return nil, f.err
	}
	if err := s.fill(persons, found, have); err != nil {
		return nil, err
	}
	return recordedOutcomes(seen)
}

func (s *batchState) fill(persons, pairs, held []any) error {
	for _, v := range persons {
		m, err := asRow(v, "person")
		if err != nil {
			return err
		}
		f := &fields{src: m, what: "person state"}
		id := req[string](f, "id")
		exists, interests, following := req[bool](f, "exists"), count(f, "interests"), count(f, "following")
		if f.err != nil {
			return f.err
		}
		s.exists[id] = exists
		s.interests[id] = &counter{known: true, base: interests}
		s.following[id] = &counter{known: true, base: following}
	}
	for _, v := range pairs {
		m, err := asRow(v, "pair")
		if err != nil {
			return err
		}
		f := &fields{src: m, what: "pair state"}
		k := [2]string{req[string](f, "a"), req[string](f, "b")}
		follows, blocks := req[bool](f, "follows"), req[bool](f, "blocks")
		if f.err != nil {
			return f.err
		}
		s.follows[k], s.blocks[k] = follows, blocks
	}
	for _, v := range held {
		h, ok := v.([]any)
		if !ok || len(h) != 2 {
			return fmt.Errorf("%w: held interest is %T", errRecordShape, v)
		}
		p, ok1 := h[0].(string)
		name, ok2 := h[1].(string)
		if !ok1 || !ok2 {
			return fmt.Errorf("%w: held interest %v", errRecordShape, h)
		}
		s.held[[2]string{p, name}] = true
	}
	return nil
}

func recordedOutcomes(seen []any) (map[string]domain.Outcome, error) {
	out := make(map[string]domain.Outcome, len(seen))
	for _, v := range seen {
		m, err := asRow(v, "command")
		if err != nil {
			return nil, err
		}
		f := &fields{src: m, what: "recorded command"}
		id, raw := req[string](f, "id"), req[string](f, "outcome")
		if f.err != nil {
			return nil, f.err
		}
		var o domain.Outcome
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			return nil, fmt.Errorf("decode recorded outcome of %s: %w", id, err)
		}
		out[id] = o
	}
	return out, nil
}

func pairList(set map[[2]string]bool) [][]string {
	out := make([][]string, 0, len(set))
	for k := range set {
		out = append(out, []string{k[0], k[1]})
	}
	return out
}
