package main

import (
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestCoinsThroughTheAPI: wallets, transfers, the COINS_RECEIVED
// notification, the rules and who may see what.
func TestCoinsThroughTheAPI(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		cfg, provider := withProvider(t, testConfig(t, st))
		adminEmail := "admin-" + testsupport.Unique() + "@example.com"
		pretenderEmail := "admin-" + testsupport.Unique() + "@example.com"
		cfg.AdminEmails = []string{adminEmail, pretenderEmail}
		rs := startService(t, cfg, roles{gateway: true, consumer: true})
		ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
		carl := rs.register(t, "Carl") // the bystander

		bobWS := rs.ws(t, bob.Token)
		bobWS.subscribe("n", `subscription { notifications { kind amount actor { id } } }`, nil)
		carlWS := rs.ws(t, carl.Token)
		carlWS.subscribe("n", `subscription { notifications { kind amount actor { id } } }`, nil)
		rs.waitSubscriptions(t, 2)

		send := func(token, to string, amount int, memo any) receipt {
			var out struct{ TransferCoins receipt }
			rs.must(t, token, `mutation($to: ID!, $a: Int!, $m: String) { transferCoins(to: $to, amount: $a, memo: $m) { commandId status reason } }`,
				map[string]any{"to": to, "a": amount, "m": memo}, &out)
			return out.TransferCoins
		}
		if r := send(ann.Token, bob.ID, 40, "for the talk"); r.Status != "APPLIED" {
			t.Fatalf("transfer: %+v", r)
		}
		var n struct {
			Notifications struct {
				Kind   string
				Amount int
				Actor  struct{ ID string }
			}
		}
		bobWS.next("n", &n)
		if n.Notifications.Kind != "COINS_RECEIVED" || n.Notifications.Amount != 40 || n.Notifications.Actor.ID != ann.ID {
			t.Fatalf("notification: %+v", n)
		}
		if r := send(ann.Token, bob.ID, 61, nil); r.Status != "REJECTED" || r.Reason == nil || *r.Reason != "INSUFFICIENT_FUNDS" {
			t.Fatalf("overdraft: %+v", r)
		}
		// Carl was told nothing of Bob's coins; his own arrive.
		if r := send(bob.Token, carl.ID, 7, nil); r.Status != "APPLIED" {
			t.Fatalf("transfer to the bystander: %+v", r)
		}
		carlWS.next("n", &n)
		if n.Notifications.Kind != "COINS_RECEIVED" || n.Notifications.Amount != 7 || n.Notifications.Actor.ID != bob.ID {
			t.Fatalf("bystander's first notification is not his own: %+v", n)
		}

		type wallet struct {
			Balance   int
			Transfers struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID, Kind string
						Amount   int
						Memo     *string
						From     *struct{ ID string }
						To       struct{ ID string }
					}
				}
			}
		}
		var me struct{ Me struct{ Wallet wallet } }
		rs.must(t, ann.Token, `{ me { wallet { balance transfers(first: 10) { totalCount edges { node { id kind amount memo from { id } to { id } } } } } } }`, nil, &me)
		w := me.Me.Wallet
		if w.Balance != 60 || w.Transfers.TotalCount != 2 || w.Transfers.Edges[0].Node.Kind != "TRANSFER" || w.Transfers.Edges[1].Node.Kind != "GRANT" {
			t.Fatalf("ann's wallet: %+v", w)
		}
		if e := w.Transfers.Edges[0].Node; e.Amount != 40 || e.Memo == nil || *e.Memo != "for the talk" || e.From.ID != ann.ID || e.To.ID != bob.ID {
			t.Fatalf("transfer record: %+v", e)
		}
		if g := w.Transfers.Edges[1].Node; g.From != nil || g.Amount != 100 {
			t.Fatalf("grant record: %+v", g)
		}
		// Bob cannot see Ann's wallet, nor the ledger.
		var other struct{ Person struct{ Wallet *wallet } }
		rs.must(t, bob.Token, `query($id: ID!) { person(id: $id) { wallet { balance } } }`, map[string]any{"id": ann.ID}, &other)
		if other.Person.Wallet != nil {
			t.Fatalf("bob sees ann's wallet: %+v", other)
		}
		if r := rs.do(t, bob.Token, `{ ledger { totalSupply } }`, nil); r.code() != "FORBIDDEN" {
			t.Fatalf("ledger for a user: %+v", r.Errors)
		}
		// Registering an admin address with a password gives no admin role.
		var pretender struct{ Register struct{ AccessToken string } }
		rs.must(t, "", `mutation($e: String!) { register(input: {email: $e, password: "correct horse", name: "Root"}) { accessToken } }`,
			map[string]any{"e": pretenderEmail}, &pretender)
		if r := rs.do(t, pretender.Register.AccessToken, `{ ledger { totalSupply } }`, nil); r.code() != "FORBIDDEN" {
			t.Fatalf("ledger for an admin address registered by password: %+v", r.Errors)
		}
		// An admin (verified by the identity provider) sees both.
		adminToken := provider.signIn(t, rs, adminEmail)
		var l struct {
			Ledger struct{ TotalSupply, BalanceSum, Accounts, Transfers int }
		}
		rs.must(t, adminToken, `{ ledger { totalSupply balanceSum accounts transfers } }`, nil, &l)
		if l.Ledger.TotalSupply < 400 || l.Ledger.Transfers < 2 || l.Ledger.Accounts < 4 {
			t.Fatalf("ledger: %+v", l)
		}
		if st == embeddedStack && l.Ledger.BalanceSum != l.Ledger.TotalSupply {
			t.Fatalf("balances %d != supply %d", l.Ledger.BalanceSum, l.Ledger.TotalSupply)
		}
		rs.must(t, adminToken, `query($id: ID!) { person(id: $id) { wallet { balance } } }`, map[string]any{"id": ann.ID}, &other)
		if other.Person.Wallet == nil || other.Person.Wallet.Balance != 60 {
			t.Fatalf("admin view of ann's wallet: %+v", other)
		}

		// Shape errors are BAD_USER_INPUT at the gateway.
		for name, c := range map[string]struct {
			to     string
			amount int
			memo   any
		}{
			"zero":        {bob.ID, 0, nil},
			"negative":    {bob.ID, -5, nil},
			"over max":    {bob.ID, 1_000_001, nil},
			"to yourself": {ann.ID, 1, nil},
			"bad id":      {"bob", 1, nil},
			"long memo":   {bob.ID, 1, strings.Repeat("m", 141)},
		} {
			r := rs.do(t, ann.Token, `mutation($to: ID!, $a: Int!, $m: String) { transferCoins(to: $to, amount: $a, memo: $m) { status } }`,
				map[string]any{"to": c.to, "a": c.amount, "m": c.memo})
			if r.code() != "BAD_USER_INPUT" {
				t.Errorf("%s: %+v", name, r.Errors)
			}
		}
		if r := send(ann.Token, "00000000-0000-4000-8000-000000000000", 1, nil); r.Status != "REJECTED" || *r.Reason != "RECIPIENT_NOT_FOUND" {
			t.Fatalf("unknown recipient: %+v", r)
		}
	})
}
