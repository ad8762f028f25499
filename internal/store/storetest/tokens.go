package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

func newToken(t *testing.T, s store.IdentityStore, family string, ttl time.Duration) store.RefreshToken {
	t.Helper()
	tok := store.RefreshToken{Hash: testsupport.Unique() + testsupport.Unique(), FamilyID: family, PersonID: domain.NewID(), ExpiresAt: time.Now().Add(ttl).UTC()}
	if err := s.SaveRefreshToken(ctx(t), tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func testRefreshRotation(t *testing.T, s store.IdentityStore) {
	family := domain.NewID()
	first := newToken(t, s, family, time.Hour)
	got, err := s.UseRefreshToken(ctx(t), first.Hash, time.Now())
	if err != nil || got.FamilyID != family || got.PersonID != first.PersonID {
		t.Fatalf("first use: %+v %v", got, err)
	}
	second := newToken(t, s, family, time.Hour) // the rotated token
	// Reusing the first token revokes the family, the rotated token too.
	if _, err := s.UseRefreshToken(ctx(t), first.Hash, time.Now()); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("reuse: %v", err)
	}
	if _, err := s.UseRefreshToken(ctx(t), second.Hash, time.Now()); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("rotated token after reuse: %v", err)
	}
	if _, err := s.UseRefreshToken(ctx(t), "unknown", time.Now()); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("unknown token: %v", err)
	}
	expired := newToken(t, s, domain.NewID(), -time.Minute)
	if _, err := s.UseRefreshToken(ctx(t), expired.Hash, time.Now()); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("expired token: %v", err)
	}
	// Logout revokes the family.
	other := newToken(t, s, domain.NewID(), time.Hour)
	if err := s.RevokeFamilyOf(ctx(t), other.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseRefreshToken(ctx(t), other.Hash, time.Now()); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("token after logout: %v", err)
	}
}

func testConcurrentRefresh(t *testing.T, s store.IdentityStore) {
	tok := newToken(t, s, domain.NewID(), time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.UseRefreshToken(ctx(t), tok.Hash, time.Now()); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d concurrent refreshes of one token succeeded, want 1", ok)
	}
}

func testReferenceTokens(t *testing.T, s store.IdentityStore) {
	hash := testsupport.Unique() + testsupport.Unique()
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond) // local time, as callers pass it
	if err := s.SaveReference(ctx(t), hash, domain.NewID(), "the.jwt.itself", exp); err != nil {
		t.Fatal(err)
	}
	jwt, gotExp, err := s.LookupReference(ctx(t), hash, time.Now())
	if err != nil || jwt != "the.jwt.itself" || !gotExp.Equal(exp) {
		t.Fatalf("lookup: %q %v %v", jwt, gotExp, err)
	}
	if _, _, err := s.LookupReference(ctx(t), hash, exp.Add(time.Second)); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("expired reference: %v", err)
	}
	if _, _, err := s.LookupReference(ctx(t), "unknown", time.Now()); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("unknown reference: %v", err)
	}
}
