package storetest

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// timed is a list member and the time of its edge.
type timed struct {
	id string
	at time.Time
}

// testTimePages makes a hub with thirteen followers who also declare one
// interest, at times with ties (several edges of one instant, some of them
// made through different write paths) and nanoseconds: four alone
// (Execute), five in one batch (ExecuteBatch), four projected
// (ApplyEvents). A follower who left and a follower never registered
// must not show. Then it pages the followers (the batch read and the
// planned read) and the interest's persons four at a time, from cursors,
// in both time orders: NEWEST is OLDEST reversed, ties by person id.
func testTimePages(t *testing.T, s store.GraphStore) {
	hub, topic := register(t, s, "Hub"), "timed "+testsupport.Letters()
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	t1, t2, t3 := base.Add(123456789), base.Add(time.Second), base.Add(time.Hour+1)
	var members []timed
	alone := func(at time.Time, actor string, typ domain.CommandType, payload any) {
		cmd := command(t, typ, actor, payload)
		if out, _, err := s.Execute(ctx(t), cmd, decideAt(at)); err != nil || out.Status != domain.StatusApplied {
			t.Fatalf("%s at %v: %+v, %v", typ, at, out.Status, err)
		}
	}
	for i, at := range []time.Time{t1, t2, t1, base} {
		id := register(t, s, "Alone")
		alone(at, id, domain.CmdFollow, domain.FollowPayload{PersonID: hub})
		alone(at, id, domain.CmdAddInterest, domain.InterestPayload{Interest: topic})
		members = append(members, timed{id, at})
		if i == 0 { // a follower who left
			gone := register(t, s, "Gone")
			alone(at, gone, domain.CmdFollow, domain.FollowPayload{PersonID: hub})
			alone(at, gone, domain.CmdUnfollow, domain.FollowPayload{PersonID: hub})
		}
	}
	var batch []domain.Command
	for range 5 {
		id := register(t, s, "Batched")
		batch = append(batch, command(t, domain.CmdFollow, id, domain.FollowPayload{PersonID: hub}),
			command(t, domain.CmdAddInterest, id, domain.InterestPayload{Interest: topic}))
		members = append(members, timed{id, t2})
	}
	if _, err := s.ExecuteBatch(ctx(t), batch, decideAt(t2)); err != nil {
		t.Fatal(err)
	}
	var events []domain.Event
	project := func(at time.Time, id string) {
		events = append(events, event(t, at, domain.EvFollowed, id, domain.FollowData{FollowerID: id, FolloweeID: hub}),
			event(t, at, domain.EvInterestAdded, id, domain.InterestData{PersonID: id, Interest: topic}))
	}
	for _, at := range []time.Time{t1, t3, t3, base} {
		id := register(t, s, "Projected")
		project(at, id)
		members = append(members, timed{id, at})
	}
	project(t1, domain.NewID()) // never registered: a stub in Neo4j
	if err := s.ApplyEvents(ctx(t), events); err != nil {
		t.Fatal(err)
	}
	oldest := slices.Clone(members)
	sort.Slice(oldest, func(i, j int) bool {
		if !oldest[i].at.Equal(oldest[j].at) {
			return oldest[i].at.Before(oldest[j].at)
		}
		return oldest[i].id < oldest[j].id
	})
	newest := slices.Clone(oldest)
	slices.Reverse(newest)
	for name, list := range timeLists(t, s, hub, topic) {
		for order, want := range map[store.FollowOrder][]timed{store.ByOldest: oldest, store.ByNewest: newest} {
			for _, skip := range []bool{false, true} {
				walkTimed(t, name, list, store.Page{First: 4, Order: order, SkipTotal: skip}, want)
			}
		}
	}
}

// timeLists reads one page of the hub's followers or the topic's persons.
func timeLists(t *testing.T, s store.GraphStore, hub, topic string) map[string]func(store.Page) store.PersonPage {
	one := func(read func(context.Context, []string, store.Page) (map[string]store.PersonPage, error), key string) func(store.Page) store.PersonPage {
		return func(pg store.Page) store.PersonPage {
			m, err := read(ctx(t), []string{key}, pg)
			if err != nil {
				t.Fatal(err)
			}
			return m[key]
		}
	}
	return map[string]func(store.Page) store.PersonPage{
		"followers":        one(s.Followers, hub),
		"interest persons": one(s.InterestPersons, topic),
		"planned followers": func(pg store.Page) store.PersonPage {
			r, err := s.ReadPerson(ctx(t), hub, store.PersonPlan{Lists: []store.ListPlan{{Kind: store.FollowersList, Page: pg}}})
			if err != nil || r == nil {
				t.Fatalf("planned read: %+v, %v", r, err)
			}
			return r.Lists[0].Page
		},
	}
}

// walkTimed pages from cursors through a list that is want, checking
// every page's length, keys and HasNext.
func walkTimed(t *testing.T, name string, list func(store.Page) store.PersonPage, pg store.Page, want []timed) {
	t.Helper()
	for rest := want; ; {
		p := list(pg)
		n := min(pg.First, len(rest))
		if wantTotal := map[bool]int{false: len(want), true: 0}[pg.SkipTotal]; p.TotalCount != wantTotal {
			t.Errorf("%s by %s: total %d, want %d", name, pg.Order, p.TotalCount, wantTotal)
		}
		if len(p.Persons) != n || len(p.Keys) != n || p.HasNext != (len(rest) > n) {
			t.Fatalf("%s by %s after %q: %d persons, %d keys, next %v; want %d, next %v",
				name, pg.Order, pg.After, len(p.Persons), len(p.Keys), p.HasNext, n, len(rest) > n)
		}
		for i, x := range p.Persons {
			if x.ID != rest[i].id || p.Keys[i] != store.TimeKey(rest[i].at) {
				t.Fatalf("%s by %s after %q: item %d is %s at %s, want %s at %s",
					name, pg.Order, pg.After, i, x.ID, p.Keys[i], rest[i].id, store.TimeKey(rest[i].at))
			}
			pg.After, pg.AfterKey = x.ID, p.Keys[i]
		}
		if rest = rest[n:]; !p.HasNext {
			return
		}
	}
}

// decideAt decides as domain.Decide does at the time at, whatever the
// store's clock says: the events of every command it decides share one
// instant.
func decideAt(at time.Time) store.DecideFunc {
	return func(ctx context.Context, st domain.State, cmd domain.Command, _ time.Time) (domain.Outcome, error) {
		return domain.Decide(ctx, st, cmd, at)
	}
}

func event(t *testing.T, at time.Time, typ domain.EventType, subject string, data any) domain.Event {
	t.Helper()
	ev, err := domain.NewEventForTest(domain.Command{ID: domain.NewID(), Actor: subject}, typ, at, data)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}
