package storetest

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

var keyTests = map[string]func(*testing.T, store.GraphStore){
	"PersonKeys":          testPersonKeys,
	"DeletionShreds":      testDeletionShreds,
	"ConcurrentKeyCreate": testConcurrentKeyCreate,
}

// testPersonKeys: a key is made once and read back; none is nil; a
// destroyed key is gone for good, and destroying an unknown person's key
// leaves a tombstone too.
func testPersonKeys(t *testing.T, s store.GraphStore) {
	id, other := domain.NewID(), domain.NewID()
	if k, err := s.PersonKey(ctx(t), id); err != nil || k != nil {
		t.Fatalf("key of nobody: %x %v", k, err)
	}
	k1, err := s.GetOrCreatePersonKey(ctx(t), id)
	if err != nil || len(k1) != 32 {
		t.Fatalf("new key: %x %v", k1, err)
	}
	k2, err := s.GetOrCreatePersonKey(ctx(t), id)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second get: %x %v, want %x", k2, err, k1)
	}
	if k, err := s.PersonKey(ctx(t), id); err != nil || !bytes.Equal(k, k1) {
		t.Fatalf("read: %x %v", k, err)
	}
	if k, _ := s.GetOrCreatePersonKey(ctx(t), other); bytes.Equal(k, k1) {
		t.Fatal("two persons share a key")
	}
	for range 2 { // destroying twice is fine
		if err := s.DestroyPersonKey(ctx(t), id); err != nil {
			t.Fatal(err)
		}
	}
	if k, err := s.PersonKey(ctx(t), id); err != nil || k != nil {
		t.Fatalf("destroyed key read: %x %v", k, err)
	}
	if k, err := s.GetOrCreatePersonKey(ctx(t), id); err != nil || k != nil {
		t.Fatalf("a destroyed key was made again: %x %v", k, err)
	}
	never := domain.NewID()
	if err := s.DestroyPersonKey(ctx(t), never); err != nil {
		t.Fatal(err)
	}
	if k, err := s.GetOrCreatePersonKey(ctx(t), never); err != nil || k != nil {
		t.Fatalf("a key made after the tombstone: %x %v", k, err)
	}
}

func testConcurrentKeyCreate(t *testing.T, s store.GraphStore) {
	id := domain.NewID()
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := s.GetOrCreatePersonKey(ctx(t), id)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if len(k) != 32 || !bytes.Equal(k, keys[0]) {
			t.Fatalf("racing creators got different keys: %x", keys)
		}
	}
}

// testDeletionShreds: applying AccountDeleted destroys the person's key
// and removes the events from the recorded outcomes of their commands, so
// a redelivered command of theirs publishes nothing (and makes no person
// again); the deletion's own record and others' records keep theirs.
func testDeletionShreds(t *testing.T, s store.GraphStore) {
	u := testsupport.Letters()
	ann := domain.NewID()
	reg, err := domain.NewCommand(domain.CmdRegisterPerson, ann, domain.RegisterPersonPayload{Name: "Ann " + u, Email: u + "@example.com"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := s.Execute(ctx(t), reg, domain.Decide); err != nil || len(out.Events) == 0 {
		t.Fatalf("register: %+v %v", out, err)
	}
	bob := register(t, s, "Bob "+u)
	if _, err := s.GetOrCreatePersonKey(ctx(t), ann); err != nil {
		t.Fatal(err)
	}
	memo := "from ann " + u
	send, err := domain.NewCommand(domain.CmdTransferCoins, ann, domain.TransferPayload{To: bob, Amount: 7, Memo: memo}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := s.Execute(ctx(t), send, domain.Decide); err != nil || out.Status != domain.StatusApplied {
		t.Fatalf("ann's transfer: %+v %v", out, err)
	}
	back, err := domain.NewCommand(domain.CmdFollow, bob, domain.FollowPayload{PersonID: ann}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := s.Execute(ctx(t), back, domain.Decide); err != nil || out.Status != domain.StatusApplied {
		t.Fatalf("bob's follow: %+v %v", out, err)
	}
	del, err := domain.NewCommand(domain.CmdDeleteAccount, ann, struct{}{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := s.Execute(ctx(t), del, domain.Decide); err != nil || out.Status != domain.StatusApplied {
		t.Fatalf("delete: %+v %v", out, err)
	}
	if k, err := s.PersonKey(ctx(t), ann); err != nil || k != nil {
		t.Fatalf("the key survives the deletion: %x %v", k, err)
	}
	// The coins stay with bob; the deleted person's words do not (a
	// rebuild, which can no longer read the memo, agrees).
	page, err := s.Transfers(ctx(t), bob, store.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, tr := range page.Transfers {
		if tr.Amount == 7 {
			got++
			if tr.Memo != "" {
				t.Fatalf("the deleted sender's memo survives: %+v", tr)
			}
		}
	}
	if got != 1 {
		t.Fatalf("bob's ledger lost the transfer: %+v", page.Transfers)
	}
	if k, err := s.GetOrCreatePersonKey(ctx(t), ann); err != nil || k != nil {
		t.Fatalf("a key made after the deletion: %x %v", k, err)
	}
	out, replayed, err := s.Execute(ctx(t), reg, domain.Decide)
	if err != nil || !replayed || out.Status != domain.StatusApplied || len(out.Events) != 2 {
		t.Fatalf("redelivered registration of the deleted: %+v replayed=%v %v", out, replayed, err)
	}
	noneOfAnns(t, "redelivered registration", out, u)
	if m, err := s.PersonsByIDs(ctx(t), []string{ann}); err != nil || len(m) != 0 {
		t.Fatalf("the redelivery made the person again: %+v %v", m, err)
	}
	if out, _, found, err := s.CommandOutcome(ctx(t), reg.ID); err != nil || !found {
		t.Fatalf("recorded outcome of the registration: %+v found=%v %v", out, found, err)
	} else {
		noneOfAnns(t, "recorded registration", out, u)
	}
	// Her transfer replays its event (bob's coins are built from it; a
	// batch may hold it and the deletion), without her memo.
	sent, replayed, err := s.Execute(ctx(t), send, domain.Decide)
	if err != nil || !replayed {
		t.Fatalf("redelivered transfer of the deleted: replayed=%v %v", replayed, err)
	}
	var moved domain.CoinsTransferredData
	if len(sent.Events) != 1 || sent.Events[0].DecodeData(&moved) != nil || moved.Amount != 7 || moved.To != bob || moved.Memo != "" {
		t.Fatalf("recorded transfer of the deleted: %+v (data %+v), want its event for 7 coins to bob without the memo", sent, moved)
	}
	if out, replayed, err := s.Execute(ctx(t), del, domain.Decide); err != nil || !replayed || len(out.Events) != 1 {
		t.Fatalf("redelivered deletion: %+v replayed=%v %v", out, replayed, err)
	}
	if out, replayed, err := s.Execute(ctx(t), back, domain.Decide); err != nil || !replayed || len(out.Events) != 1 {
		t.Fatalf("bob's redelivered follow lost its event: %+v replayed=%v %v", out, replayed, err)
	}
}

// noneOfAnns fails if any event of out still holds a value with marker.
func noneOfAnns(t *testing.T, what string, out domain.Outcome, marker string) {
	t.Helper()
	for _, ev := range out.Events {
		if strings.Contains(string(ev.Data), marker) {
			t.Fatalf("%s still holds the deleted person's data: %s", what, ev.Data)
		}
	}
}
