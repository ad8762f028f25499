package shred_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
)

// fakeKeys is a key store with destruction and a lookup counter.
type fakeKeys struct {
	mu        sync.Mutex
	keys      map[string][]byte
	destroyed map[string]bool
	reads     int
}

func newFakeKeys() *fakeKeys {
	return &fakeKeys{keys: map[string][]byte{}, destroyed: map[string]bool{}}
}

func (f *fakeKeys) GetOrCreatePersonKey(_ context.Context, id string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.destroyed[id] {
		return nil, nil
	}
	if f.keys[id] == nil {
		k, err := shred.NewKey()
		if err != nil {
			return nil, err
		}
		f.keys[id] = k
	}
	return f.keys[id], nil
}

func (f *fakeKeys) PersonKey(_ context.Context, id string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return f.keys[id], nil
}

func (f *fakeKeys) destroy(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.keys, id)
	f.destroyed[id] = true
}

func TestSealRoundTrip(t *testing.T) {
	key, _ := shred.NewKey()
	for _, plain := range []string{"Ann", "ann@example.com", strings.Repeat("ü", 300), " "} {
		s, err := shred.Seal(key, "ev/name", plain)
		if err != nil {
			t.Fatal(err)
		}
		if !shred.IsSealed(s) || strings.Contains(s, plain) {
			t.Fatalf("sealed %q as %q", plain, s)
		}
		back, err := shred.Open(key, "ev/name", s)
		if err != nil || back != plain {
			t.Fatalf("open: %q, %v; want %q", back, err, plain)
		}
		again, _ := shred.Seal(key, "ev/name", plain)
		if again == s {
			t.Fatal("two seals of one value are equal: the nonce is not fresh")
		}
	}
}

// TestOpenRefuses: the wrong field or event (aad), the wrong key, an
// altered or truncated value and a bad key size all fail.
func TestOpenRefuses(t *testing.T) {
	key, _ := shred.NewKey()
	other, _ := shred.NewKey()
	s, _ := shred.Seal(key, "ev1/name", "Ann")
	flip := []byte(s)
	flip[len(flip)-2] ^= 1
	for name, c := range map[string]struct {
		key      []byte
		aad, val string
	}{
		"wrong field": {key, "ev1/email", s},
		"wrong event": {key, "ev2/name", s},
		"wrong key":   {other, "ev1/name", s},
		"altered":     {key, "ev1/name", string(flip)},
		"truncated":   {key, "ev1/name", s[:len(shred.Prefix)+4]},
		"not base64":  {key, "ev1/name", shred.Prefix + "!!"},
		"not sealed":  {key, "ev1/name", "Ann"},
		"short key":   {key[:16], "ev1/name", s},
	} {
		if v, err := shred.Open(c.key, c.aad, c.val); err == nil {
			t.Errorf("%s: opened as %q", name, v)
		}
	}
	if _, err := shred.Seal(key[:8], "a", "b"); err == nil {
		t.Error("sealed with an 8-byte key")
	}
}

func events(t *testing.T) []domain.Event {
	t.Helper()
	now := time.Now()
	reg, _ := domain.NewEventForTest(domain.Command{ID: "c1", Actor: "ann"}, domain.EvPersonRegistered, now,
		domain.PersonRegisteredData{PersonID: "ann", Name: "Ann Secret", Email: "ann-secret@example.com"})
	tr, _ := domain.NewEventForTest(domain.Command{ID: "c2", Actor: "ann"}, domain.EvCoinsTransferred, now,
		domain.CoinsTransferredData{TransferID: "c2", From: "ann", To: "bob", Amount: 5, Memo: "secret memo"})
	fol, _ := domain.NewEventForTest(domain.Command{ID: "c3", Actor: "ann"}, domain.EvFollowed, now,
		domain.FollowData{FollowerID: "ann", FolloweeID: "bob"})
	return []domain.Event{reg, tr, fol}
}

// TestSealEventsAndOpen: no secret is left in the sealed data, opening
// gives the original back, and after the key is destroyed the fields read
// empty and a new seal writes them empty.
func TestSealEventsAndOpen(t *testing.T) {
	ctx := context.Background()
	keys := newFakeKeys()
	plain := events(t)
	sealed, err := shred.SealEvents(ctx, keys, plain)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range sealed {
		for _, secret := range []string{"Ann Secret", "ann-secret", "secret memo"} {
			if strings.Contains(string(ev.Data), secret) {
				t.Fatalf("event %d still holds %q: %s", i, secret, ev.Data)
			}
		}
		back, err := shred.OpenEvent(ctx, keys, ev)
		if err != nil {
			t.Fatal(err)
		}
		if string(back.Data) != string(plain[i].Data) {
			t.Fatalf("event %d opened as %s, want %s", i, back.Data, plain[i].Data)
		}
	}
	if string(sealed[2].Data) != string(plain[2].Data) {
		t.Fatalf("an event without personal data changed: %s", sealed[2].Data)
	}
	// Moving a sealed value to another event does not open.
	moved := sealed[1]
	moved.ID = sealed[0].ID
	if _, err := shred.OpenEvent(ctx, keys, moved); !errors.Is(err, shred.ErrUnreadable) {
		t.Fatalf("a memo moved to another event: %v", err)
	}

	keys.destroy("ann")
	var reg domain.PersonRegisteredData
	back, err := shred.OpenEvent(ctx, keys, sealed[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := back.DecodeData(&reg); err != nil || reg.Name != "" || reg.Email != "" || reg.PersonID != "ann" {
		t.Fatalf("after destruction: %+v, %v", reg, err)
	}
	resealed, err := shred.SealEvents(ctx, keys, plain)
	if err != nil {
		t.Fatal(err)
	}
	if err := resealed[0].DecodeData(&reg); err != nil || reg.Name != "" || reg.Email != "" {
		t.Fatalf("sealed after destruction: %s", resealed[0].Data)
	}
	var tr domain.CoinsTransferredData
	if err := resealed[1].DecodeData(&tr); err != nil || tr.Memo != "" || tr.Amount != 5 {
		t.Fatalf("memo sealed after destruction: %s", resealed[1].Data)
	}
}

// TestOpenerCachesAndForgets: keys are read once, the cache stays within
// its bound, and an AccountDeleted makes the person's fields read empty
// without asking the store.
func TestOpenerCachesAndForgets(t *testing.T) {
	ctx := context.Background()
	keys := newFakeKeys()
	sealed, err := shred.SealEvents(ctx, keys, events(t))
	if err != nil {
		t.Fatal(err)
	}
	o := shred.NewOpener(keys, 2)
	for range 3 {
		for _, ev := range sealed {
			if _, err := o.Open(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	if keys.reads != 1 {
		t.Fatalf("%d key reads, want 1", keys.reads)
	}
	if _, err := o.PersonKey(ctx, "nobody"); err != nil || o.Len() != 1 {
		t.Fatalf("no key was cached (a key made later must be found): %d keys, %v", o.Len(), err)
	}
	for _, id := range []string{"x", "y", "z"} {
		if _, err := keys.GetOrCreatePersonKey(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := o.PersonKey(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if o.Len() != 2 {
		t.Fatalf("cache holds %d keys, want at most 2", o.Len())
	}
	del, _ := domain.NewEventForTest(domain.Command{ID: "c9", Actor: "ann"}, domain.EvAccountDeleted, time.Now(), domain.AccountDeletedData{PersonID: "ann"})
	if _, err := o.Open(ctx, del); err != nil {
		t.Fatal(err)
	}
	back, err := o.Open(ctx, sealed[0]) // the store still has the key: the cache must not ask
	if err != nil {
		t.Fatal(err)
	}
	var reg domain.PersonRegisteredData
	if err := back.DecodeData(&reg); err != nil || reg.Name != "" {
		t.Fatalf("after AccountDeleted passed: %+v", reg)
	}
}
