package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

func relate(t *testing.T, s store.GraphStore, typ domain.CommandType, actor, other string) domain.Outcome {
	t.Helper()
	return exec(t, s, typ, actor, domain.RelationPayload{PersonID: other})
}

func relationship(t *testing.T, s store.GraphStore, viewer, id string) store.Relationship {
	t.Helper()
	m, err := s.Relationships(ctx(t), viewer, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	return m[id]
}

// testBlockAndMute: a block removes both follows in its own transaction,
// refuses follows and transfers either way with BLOCKED, hides the pair
// from each other's search, and is lifted by unblock; a mute is a private
// mark that changes nothing the muted person can see.
func testBlockAndMute(t *testing.T, s store.GraphStore) {
	u := testsupport.Letters()
	ann, bob := register(t, s, "Ann "+u), register(t, s, "Bob "+u)
	follow(t, s, ann, bob)
	follow(t, s, bob, ann)
	out := relate(t, s, domain.CmdBlock, ann, bob)
	if out.Status != domain.StatusApplied || len(out.Events) != 1 || out.Events[0].Type != domain.EvBlocked {
		t.Fatalf("block: %+v", out)
	}
	if a, b := person(t, s, ann), person(t, s, bob); a.FollowerCount != 0 || a.FollowingCount != 0 || b.FollowerCount != 0 || b.FollowingCount != 0 {
		t.Fatalf("follows survive the block: ann %+v bob %+v", a, b)
	}
	if r := relationship(t, s, ann, bob); !r.Blocking || r.BlockedBy || r.Following || r.FollowedBy {
		t.Fatalf("ann's view: %+v", r)
	}
	if r := relationship(t, s, bob, ann); r.Blocking || !r.BlockedBy {
		t.Fatalf("bob's view: %+v", r)
	}
	for _, c := range []struct {
		typ        domain.CommandType
		actor, pay any
	}{
		{domain.CmdFollow, bob, domain.FollowPayload{PersonID: ann}},
		{domain.CmdFollow, ann, domain.FollowPayload{PersonID: bob}},
		{domain.CmdTransferCoins, bob, domain.TransferPayload{To: ann, Amount: 1}},
		{domain.CmdTransferCoins, ann, domain.TransferPayload{To: bob, Amount: 1}},
	} {
		if out := exec(t, s, c.typ, c.actor.(string), c.pay); out.Status != domain.StatusRejected || out.Reason != domain.ReasonBlocked {
			t.Fatalf("%s between a blocked pair: %+v", c.typ, out)
		}
	}
	if got := search(t, s, bob, "ann "+u, store.OffsetPage{First: 5}); len(got) != 0 {
		t.Fatalf("the blocked finds the blocker: %v", got)
	}
	if out := relate(t, s, domain.CmdBlock, ann, bob); out.Status != domain.StatusApplied || len(out.Events) != 0 {
		t.Fatalf("second block: %+v", out)
	}
	if out := relate(t, s, domain.CmdBlock, ann, domain.NewID()); out.Reason != domain.ReasonPersonNotFound {
		t.Fatalf("block of nobody: %+v", out)
	}
	if out := relate(t, s, domain.CmdUnblock, ann, bob); out.Status != domain.StatusApplied || len(out.Events) != 1 {
		t.Fatalf("unblock: %+v", out)
	}
	follow(t, s, bob, ann)
	if out := relate(t, s, domain.CmdMute, ann, bob); out.Status != domain.StatusApplied || len(out.Events) != 1 || out.Events[0].Type != domain.EvMuted {
		t.Fatalf("mute: %+v", out)
	}
	if r := relationship(t, s, ann, bob); !r.Muting || r.Blocking || !r.FollowedBy {
		t.Fatalf("ann's view after mute: %+v", r)
	}
	if r := relationship(t, s, bob, ann); r.Muting || r.BlockedBy || !r.Following {
		t.Fatalf("bob sees the mute: %+v", r)
	}
	relate(t, s, domain.CmdUnmute, ann, bob)
	if r := relationship(t, s, ann, bob); r.Muting {
		t.Fatalf("after unmute: %+v", r)
	}
}

// testRelationsReplay: the relation events rebuild the same graph, and a
// follow replayed after the block that removed it stays removed (a
// rebuild orders different persons' events independently).
func testRelationsReplay(t *testing.T, s store.GraphStore) {
	u := testsupport.Letters()
	ann, bob := register(t, s, "Ann "+u), register(t, s, "Bob "+u)
	followed := exec(t, s, domain.CmdFollow, bob, domain.FollowPayload{PersonID: ann})
	blocked := relate(t, s, domain.CmdBlock, ann, bob)
	muted := relate(t, s, domain.CmdMute, bob, ann)
	for _, evs := range [][]domain.Event{blocked.Events, followed.Events, muted.Events} {
		if err := s.ApplyEvents(ctx(t), evs); err != nil {
			t.Fatal(err)
		}
	}
	if r := relationship(t, s, bob, ann); r.Following || !r.BlockedBy || !r.Muting {
		t.Fatalf("after replay: %+v", r)
	}
}

// testConcurrentBlockAndFollow: a block and a follow of the blocker by
// the blocked, decided at the same time (they come from different
// persons, so from different partitions and consumers), end as if one
// came first: never a follow between a pair that blocks. On a store with
// read-committed reads this needs both persons locked before deciding.
func testConcurrentBlockAndFollow(t *testing.T, s store.GraphStore) {
	const pairs = 24
	type pair struct{ a, b string }
	ps := make([]pair, pairs)
	for i := range ps {
		ps[i] = pair{register(t, s, "Blocker"), register(t, s, "Follower")}
	}
	var wg sync.WaitGroup
	run := func(typ domain.CommandType, actor string, payload any) {
		defer wg.Done()
		cmd, err := domain.NewCommand(typ, actor, payload, time.Now())
		if err != nil {
			t.Error(err)
			return
		}
		if _, _, err := s.Execute(ctx(t), cmd, domain.Decide); err != nil {
			t.Errorf("execute %s: %v", typ, err)
		}
	}
	for _, p := range ps {
		wg.Add(2)
		go run(domain.CmdBlock, p.a, domain.RelationPayload{PersonID: p.b})
		go run(domain.CmdFollow, p.b, domain.FollowPayload{PersonID: p.a})
	}
	wg.Wait()
	for i, p := range ps {
		r := relationship(t, s, p.a, p.b)
		if !r.Blocking {
			t.Fatalf("pair %d: the block was not applied: %+v", i, r)
		}
		if r.FollowedBy || r.Following {
			t.Fatalf("pair %d: a follow survives a block decided at the same time: %+v", i, r)
		}
	}
}
