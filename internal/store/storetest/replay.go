package storetest

import (
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// testProjectionRepeatedAdd: a replay may hold an edge added twice with no
// removal between (a block removes follows without an Unfollowed event);
// the edge dates from its first addition however the events are grouped
// into ApplyEvents calls, and one removed and added again from the last.
func testProjectionRepeatedAdd(t *testing.T, s store.GraphStore) {
	a, b := domain.NewID(), domain.NewID()
	base := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	mk := func(i int, typ domain.EventType, data any) domain.Event {
		ev, err := domain.NewEventForTest(domain.Command{ID: domain.NewID(), Actor: a}, typ, base.Add(time.Duration(i)*time.Second), data)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	follow := domain.FollowData{FollowerID: a, FolloweeID: b}
	interest := domain.InterestData{PersonID: a, Interest: "replayed " + domain.NewID()}
	events := []domain.Event{
		mk(0, domain.EvPersonRegistered, domain.PersonRegisteredData{PersonID: a, Name: "A", Email: a + "@example.com"}),
		mk(1, domain.EvPersonRegistered, domain.PersonRegisteredData{PersonID: b, Name: "B", Email: b + "@example.com"}),
		mk(2, domain.EvFollowed, follow),
		mk(3, domain.EvFollowed, follow),
		mk(4, domain.EvInterestAdded, interest),
		mk(5, domain.EvInterestRemoved, interest),
		mk(6, domain.EvInterestAdded, interest),
		mk(7, domain.EvInterestAdded, interest),
	}
	if err := s.ApplyEvents(ctx(t), events); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(ctx(t), []string{a})
	if err != nil || len(snap.Persons) != 1 {
		t.Fatalf("snapshot: %+v %v", snap, err)
	}
	p := snap.Persons[0]
	if len(p.Follows) != 1 || !p.Follows[0].Since.Equal(base.Add(2*time.Second)) {
		t.Fatalf("follows %+v, want one since %v (the first addition)", p.Follows, base.Add(2*time.Second))
	}
	if len(p.Interests) != 1 || !p.Interests[0].Since.Equal(base.Add(6*time.Second)) {
		t.Fatalf("interests %+v, want one since %v (the first addition after the removal)", p.Interests, base.Add(6*time.Second))
	}
}
