package main

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestDeleteAccount: a wrong or missing password is UNAUTHENTICATED; after
// the deletion the person is null and unfindable, login, refresh and the
// old access token fail, the others' counts are right, the ledger still
// balances, and subscribers of the person's events get complete.
func TestDeleteAccount(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		cfg, provider := withProvider(t, testConfig(t, st))
		cfg.JWTPrivateKeyFile = writeKey(t) // shared with the later gateway
		adminEmail := "admin-" + testsupport.Unique() + "@example.com"
		cfg.AdminEmails = []string{adminEmail}
		rs := startService(t, cfg, roles{gateway: true, consumer: true})
		u := testsupport.Letters()
		email := "leaver-" + testsupport.Unique() + "@example.com"
		var reg struct {
			Register struct {
				AccessToken, RefreshToken string
				Person                    struct{ ID string }
			}
		}
		rs.must(t, "", `mutation($in: RegisterInput!) { register(input: $in) { accessToken refreshToken person { id } } }`,
			map[string]any{"in": map[string]any{"email": email, "password": "correct horse", "name": "Leaver " + u}}, &reg)
		ann := registered{ID: reg.Register.Person.ID, Email: email, Token: reg.Register.AccessToken}
		bob, cid := rs.register(t, "Bob"), rs.register(t, "Cid")
		rs.applied(t, ann.Token, "follow", "personId", bob.ID)
		rs.applied(t, cid.Token, "follow", "personId", ann.ID)
		if r := rs.transfer(t, ann.Token, bob.ID, 30); r.Status != "APPLIED" {
			t.Fatalf("transfer: %+v", r)
		}
		bobWS := rs.ws(t, bob.Token)
		bobWS.subscribe("e", `subscription($p: ID!) { personEvents(personId: $p) { __typename } }`, map[string]any{"p": ann.ID})
		rs.waitSubscriptions(t, 1)

		const del = `mutation($p: String) { deleteAccount(password: $p) { commandId status reason } }`
		for _, pw := range []any{nil, "wrong horse"} {
			if code := rs.do(t, ann.Token, del, map[string]any{"p": pw}).code(); code != "UNAUTHENTICATED" {
				t.Fatalf("deleteAccount with password %v: %q, want UNAUTHENTICATED", pw, code)
			}
		}
		var out struct{ DeleteAccount receipt }
		rs.must(t, ann.Token, del, map[string]any{"p": "correct horse"}, &out)
		if out.DeleteAccount.Status != "APPLIED" {
			t.Fatalf("deleteAccount: %+v", out)
		}
		if m := bobWS.nextFor("e"); m["type"] != "complete" {
			t.Fatalf("the deleted person's subscriber got %v, want complete", m)
		}
		if code := rs.do(t, ann.Token, `{ me { id } }`, nil).code(); code != "UNAUTHENTICATED" {
			t.Fatalf("the old access token: %q, want UNAUTHENTICATED", code)
		}
		if code := rs.do(t, "", `mutation($e: String!) { login(email: $e, password: "correct horse") { accessToken } }`, map[string]any{"e": email}).code(); code != "UNAUTHENTICATED" {
			t.Fatalf("login after deletion: %q", code)
		}
		if _, r := rs.refresh(t, reg.Register.RefreshToken); r.code() != "UNAUTHENTICATED" {
			t.Fatalf("refresh after deletion: %q", r.code())
		}
		var seen struct {
			Ann *struct{ ID string }
			Bob struct {
				FollowerCount, FollowingCount int
				Wallet                        struct{ Balance int }
			}
			Cid           struct{ FollowerCount, FollowingCount int }
			SearchPersons struct{ TotalCount int }
		}
		rs.must(t, bob.Token, `query($a: ID!, $b: ID!, $c: ID!, $q: String!) { ann: person(id: $a) { id } bob: person(id: $b) { followerCount followingCount wallet { balance } }
  cid: person(id: $c) { followerCount followingCount } searchPersons(query: $q) { totalCount } }`,
			map[string]any{"a": ann.ID, "b": bob.ID, "c": cid.ID, "q": "leaver " + u}, &seen)
		if seen.Ann != nil || seen.Bob.FollowerCount != 0 || seen.Bob.Wallet.Balance != 130 || seen.Cid.FollowingCount != 0 || seen.SearchPersons.TotalCount != 0 {
			t.Fatalf("after deletion: %+v", seen)
		}
		// Bob's ledger still lists the coins Ann sent him, from a person
		// shown as a deleted account, without an error.
		var ledger struct {
			Me struct {
				Wallet struct {
					Transfers struct {
						Edges []struct {
							Node struct {
								Amount int
								From   *struct{ ID, Name string }
							}
						}
					}
				}
			}
		}
		rs.must(t, bob.Token, `{ me { wallet { transfers(first: 10) { edges { node { amount from { id name } } } } } } }`, nil, &ledger)
		found := false
		for _, e := range ledger.Me.Wallet.Transfers.Edges {
			if e.Node.From != nil && e.Node.From.ID == ann.ID {
				found = e.Node.Amount == 30 && e.Node.From.Name == domain.DeletedPersonName
			}
		}
		if !found {
			t.Fatalf("Bob's ledger after Ann left: %+v, want her 30 coins from %q", ledger, domain.DeletedPersonName)
		}
		if st != embeddedStack {
			// A gateway started after the deletion refuses the old token
			// too: it learns of deletions as recent as a token's lifetime.
			later := startService(t, cfg, roles{gateway: true})
			if code := later.do(t, ann.Token, `{ me { id } }`, nil).code(); code != "UNAUTHENTICATED" {
				t.Fatalf("the old access token on a gateway started after the deletion: %q, want UNAUTHENTICATED", code)
			}
			if code := later.do(t, bob.Token, `{ me { id } }`, nil).code(); code != "" {
				t.Fatalf("a live person's token on the later gateway: %q", code)
			}
			return // the shared database's ledger moves with other tests
		}
		// The admin signs in through an identity provider (admin emails
		// must be verified); accounts are then Bob, Cid and the admin.
		admin := provider.signIn(t, rs, adminEmail)
		var l struct {
			Ledger struct{ TotalSupply, BalanceSum, Accounts int }
		}
		rs.must(t, admin, `{ ledger { totalSupply balanceSum accounts } }`, nil, &l)
		if l.Ledger.TotalSupply != l.Ledger.BalanceSum || l.Ledger.TotalSupply != 330 || l.Ledger.Accounts != 3 {
			t.Fatalf("ledger after the burn of 70: %+v, want 400 granted (Leaver, Bob, Cid, the admin) - 70 burned", l)
		}
	})
}
