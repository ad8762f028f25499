package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// testDeleteAccount: the person, their edges, account and refresh tokens
// go in the decision's transaction; the counts of those they followed or
// were followed by are right; their balance is burned so that supply and
// balances still agree; what others received from them stays.
func testDeleteAccount(t *testing.T, s store.GraphStore, ids store.IdentityStore) {
	empty, err := s.Empty(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	u := testsupport.Letters()
	ann, bob, cid := register(t, s, "Ann "+u), register(t, s, "Bob "+u), register(t, s, "Cid "+u)
	if err := ids.CreateAccount(ctx(t), store.Account{PersonID: ann, Email: u + "@example.com", Name: "Ann", PasswordHash: "x", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	hash, ref := "refresh-"+u, "reference-"+u
	if err := ids.SaveReference(ctx(t), ref, ann, "a.jwt", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ids.SaveRefreshToken(ctx(t), store.RefreshToken{Hash: hash, FamilyID: domain.NewID(), PersonID: ann, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	follow(t, s, ann, bob)
	follow(t, s, cid, ann)
	addInterest(t, s, ann, "leaving "+u)
	if out := transfer(t, s, ann, bob, 30); out.Status != domain.StatusApplied {
		t.Fatalf("transfer: %+v", out)
	}
	out := exec(t, s, domain.CmdDeleteAccount, ann, struct{}{})
	if out.Status != domain.StatusApplied || len(out.Events) != 1 || out.Events[0].Type != domain.EvAccountDeleted {
		t.Fatalf("delete: %+v", out)
	}
	if m, err := s.PersonsByIDs(ctx(t), []string{ann}); err != nil || len(m) != 0 {
		t.Fatalf("the person survives: %+v %v", m, err)
	}
	if b, c := person(t, s, bob), person(t, s, cid); b.FollowerCount != 0 || c.FollowingCount != 0 || b.Balance != 130 {
		t.Fatalf("counts or coins of the others: bob %+v cid %+v", b, c)
	}
	if _, err := ids.AccountByPersonID(ctx(t), ann); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("the account survives: %v", err)
	}
	if _, err := ids.UseRefreshToken(ctx(t), hash, time.Now()); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("the refresh token survives: %v", err)
	}
	if _, _, err := ids.LookupReference(ctx(t), ref, time.Now()); !errors.Is(err, store.ErrTokenInvalid) {
		t.Fatalf("the reference token survives: %v", err)
	}
	if got := search(t, s, "", "ann "+u, store.OffsetPage{First: 5}); len(got) != 0 {
		t.Fatalf("search finds the deleted: %v", got)
	}
	if out := exec(t, s, domain.CmdFollow, bob, domain.FollowPayload{PersonID: ann}); out.Reason != domain.ReasonPersonNotFound {
		t.Fatalf("following the deleted: %+v", out)
	}
	l, err := s.Ledger(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if empty && (l != store.Ledger{TotalSupply: 230, BalanceSum: 230, Accounts: 2, Transfers: 1}) {
		t.Fatalf("ledger after the burn of 70: %+v", l)
	}
}
