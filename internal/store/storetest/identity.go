package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// RunIdentity runs the identity store's contract against stores from
// newStore.
func RunIdentity(t *testing.T, newStore func(t *testing.T) store.IdentityStore) {
	tests := map[string]func(*testing.T, store.IdentityStore){
		"Accounts":          testAccounts,
		"ProviderAccounts":  testProviderAccounts,
		"RefreshRotation":   testRefreshRotation,
		"ConcurrentRefresh": testConcurrentRefresh,
		"ReferenceTokens":   testReferenceTokens,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, newStore(t))
		})
	}
}

// testProviderAccounts: a provider-made account is found by its (issuer,
// subject) and by nothing else; one identity makes one account.
func testProviderAccounts(t *testing.T, s store.IdentityStore) {
	email := testsupport.Unique() + "@example.com"
	key := store.ProviderKey("https://issuer.example", "sub-"+testsupport.Unique())
	a := store.Account{PersonID: domain.NewID(), Email: email, Name: "P", Roles: []string{"user"}, CreatedAt: time.Now().UTC().Truncate(time.Millisecond), ProviderKey: key}
	if err := s.CreateAccount(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	got, err := s.AccountByProvider(ctx(t), key)
	if err != nil || got.PersonID != a.PersonID || got.Email != email || got.ProviderKey != key {
		t.Fatalf("account by provider: %+v %v", got, err)
	}
	if byEmail, err := s.AccountByEmail(ctx(t), email); err != nil || byEmail.ProviderKey != key {
		t.Fatalf("account by email keeps its provider: %+v %v", byEmail, err)
	}
	for _, other := range []string{store.ProviderKey("https://other.example", key[len("https://issuer.example "):]), key + "x", ""} {
		if _, err := s.AccountByProvider(ctx(t), other); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("provider key %q: %v", other, err)
		}
	}
	twin := a
	twin.PersonID, twin.Email = domain.NewID(), "twin-"+email
	if err := s.CreateAccount(ctx(t), twin); !errors.Is(err, domain.ErrEmailTaken) {
		t.Fatalf("second account for the same identity: %v", err)
	}
	// Password accounts carry no provider key, and many may exist.
	for range 2 {
		pw := store.Account{PersonID: domain.NewID(), Email: testsupport.Unique() + "@example.com", Name: "W", PasswordHash: "h", Roles: []string{"user"}, CreatedAt: time.Now().UTC()}
		if err := s.CreateAccount(ctx(t), pw); err != nil {
			t.Fatalf("password account: %v", err)
		}
	}
}

func testAccounts(t *testing.T, s store.IdentityStore) {
	email := testsupport.Unique() + "@example.com"
	a := store.Account{PersonID: domain.NewID(), Email: email, Name: "N", PasswordHash: "h", Roles: []string{"user"}, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := s.CreateAccount(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	dup := a
	dup.PersonID = domain.NewID()
	if err := s.CreateAccount(ctx(t), dup); !errors.Is(err, domain.ErrEmailTaken) {
		t.Fatalf("second account with same email: %v", err)
	}
	got, err := s.AccountByEmail(ctx(t), email)
	if err != nil || got.PersonID != a.PersonID || got.Name != "N" || got.PasswordHash != "h" || !reflect.DeepEqual(got.Roles, []string{"user"}) {
		t.Fatalf("account: %+v %v", got, err)
	}
	if byID, err := s.AccountByPersonID(ctx(t), a.PersonID); err != nil || byID.Email != email {
		t.Fatalf("account by person: %+v %v", byID, err)
	}
	if _, err := s.AccountByPersonID(ctx(t), domain.NewID()); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("unknown person: %v", err)
	}
	if _, err := s.AccountByEmail(ctx(t), "nobody-"+email); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("unknown email: %v", err)
	}
	// A deleted account is gone by both keys and frees its email.
	if err := s.DeleteAccount(ctx(t), a.PersonID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountByEmail(ctx(t), email); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("deleted account by email: %v", err)
	}
	if _, err := s.AccountByPersonID(ctx(t), a.PersonID); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("deleted account by person: %v", err)
	}
	if err := s.DeleteAccount(ctx(t), a.PersonID); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
	if err := s.CreateAccount(ctx(t), dup); err != nil {
		t.Fatalf("the email of a deleted account: %v", err)
	}
}
