package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

const transferOp = `mutation($to: ID!, $a: Int!) { transferCoins(to: $to, amount: $a) { commandId status reason } }`

// keyedTransfer sends transferCoins with an Idempotency-Key (or several),
// optionally without waiting for the outcome.
func (rs *running) keyedTransfer(t *testing.T, token, to string, amount int, async bool, keys ...string) gqlResponse {
	t.Helper()
	return rs.doWith(t, transferOp, map[string]any{"to": to, "a": amount}, func(h http.Header) {
		h.Set("Authorization", "Bearer "+token)
		for _, k := range keys {
			h.Add("Idempotency-Key", k)
		}
		if async {
			h.Set("Prefer", "respond-async")
		}
	})
}

func transferReceipt(t *testing.T, r gqlResponse) receipt {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("transferCoins: %+v", r.Errors)
	}
	var out struct{ TransferCoins receipt }
	if err := jsonInto(r.Data, &out); err != nil {
		t.Fatal(err)
	}
	return out.TransferCoins
}

func (rs *running) balance(t *testing.T, token string) int {
	t.Helper()
	var me struct {
		Me struct{ Wallet struct{ Balance int } }
	}
	rs.must(t, token, `{ me { wallet { balance } } }`, nil, &me)
	return me.Me.Wallet.Balance
}

// TestIdempotencyKeyTransfersOnce: a transferCoins retried with its
// Idempotency-Key — after answering ACCEPTED, while the first copy is still
// queued, through another gateway — is one command: the same id, decided
// once, every answer the first outcome, the coins moved once.
func TestIdempotencyKeyTransfersOnce(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		cfg := testConfig(t, st)
		if st == realStack {
			cfg.JWTPrivateKeyFile = writeKey(t) // gateways share the signing key
		}
		rs := startService(t, cfg, roles{gateway: true, consumer: true})
		other := rs // the embedded broker lives in its process: one gateway
		if st == realStack {
			other = startService(t, cfg, roles{gateway: true})
		}
		ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
		before := rs.balance(t, ann.Token)
		key := "pay-bob-" + testsupport.Unique()

		// A client that timed out sends again before the first is decided.
		first := transferReceipt(t, rs.keyedTransfer(t, ann.Token, bob.ID, 30, true, key))
		second := transferReceipt(t, rs.keyedTransfer(t, ann.Token, bob.ID, 30, true, key))
		if first.Status != "ACCEPTED" || second.CommandID != first.CommandID {
			t.Fatalf("async retries: %+v then %+v, want ACCEPTED with one command id", first, second)
		}
		for i, gw := range []*running{rs, other, other} {
			r := transferReceipt(t, gw.keyedTransfer(t, ann.Token, bob.ID, 30, false, key))
			if r.CommandID != first.CommandID || r.Status != "APPLIED" {
				t.Fatalf("retry %d: %+v, want APPLIED as %s", i, r, first.CommandID)
			}
		}
		if got := rs.balance(t, ann.Token); got != before-30 {
			t.Fatalf("Ann's balance %d after five sends of one keyed transfer of 30 from %d", got, before)
		}
		if got := rs.balance(t, bob.Token); got != before+30 {
			t.Fatalf("Bob's balance %d, want %d", got, before+30)
		}
		// Another key is another command.
		r := transferReceipt(t, other.keyedTransfer(t, ann.Token, bob.ID, 5, false, key+"-2"))
		if r.Status != "APPLIED" || r.CommandID == first.CommandID {
			t.Fatalf("a new key: %+v", r)
		}
		if got := rs.balance(t, ann.Token); got != before-35 {
			t.Fatalf("Ann's balance %d after a second key, want %d", got, before-35)
		}
	})
}

// TestIdempotencyKeyReceipts: a keyed id carries no time, so a receipt
// cannot tell queued from never sent: the caller's own keyed id without an
// outcome is ACCEPTED (retrying with the key is safe), anyone else's is
// NOT_FOUND; a decided one is its outcome.
func TestIdempotencyKeyReceipts(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
	const q = `query($id: ID!) { commandReceipt(commandId: $id) { status } }`
	pending := domain.KeyedCommandID(ann.ID, "not-sent-yet")
	var got struct{ CommandReceipt receipt }
	rs.must(t, ann.Token, q, map[string]any{"id": pending}, &got)
	if got.CommandReceipt.Status != "ACCEPTED" {
		t.Errorf("own keyed id without outcome: %+v, want ACCEPTED", got)
	}
	if r := rs.do(t, bob.Token, q, map[string]any{"id": pending}); r.code() != "NOT_FOUND" {
		t.Errorf("someone else's keyed id: %s %+v, want NOT_FOUND", r.Data, r.Errors)
	}
	// The id a key gives names the mutation too (another mutation under the
	// same key is another command), so it is Ann's keyed id, not pending.
	sent := transferReceipt(t, rs.keyedTransfer(t, ann.Token, bob.ID, 1, false, "not-sent-yet"))
	if !domain.KeyedBy(sent.CommandID, ann.ID) || sent.Status != "APPLIED" {
		t.Fatalf("keyed transfer: %+v, want APPLIED under one of Ann's keyed ids", sent)
	}
	rs.must(t, ann.Token, q, map[string]any{"id": sent.CommandID}, &got)
	if got.CommandReceipt.Status != "APPLIED" {
		t.Errorf("decided keyed id: %+v, want APPLIED", got)
	}
}

// TestBadIdempotencyKeys: a key that is empty, too long, not visible ASCII,
// or repeated is BAD_USER_INPUT, and the refused mutation moves nothing;
// two mutations of one keyed document are two commands, each decided once.
func TestBadIdempotencyKeys(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
	before := rs.balance(t, ann.Token)
	cases := map[string][]string{
		"empty":        {""},
		"129 chars":    {strings.Repeat("k", 129)},
		"inner space":  {"a b"},
		"non-ASCII":    {"clé"},
		"two headers":  {"k1", "k2"},
		"control char": {"a\tb"},
	}
	for name, keys := range cases {
		r := rs.keyedTransfer(t, ann.Token, bob.ID, 1, false, keys...)
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "Idempotency-Key" {
			t.Errorf("%s: %s %+v, want BAD_USER_INPUT on Idempotency-Key", name, r.Data, r.Errors)
		}
	}
	if got := rs.balance(t, ann.Token); got != before {
		t.Errorf("balance %d, want %d: refused mutations move nothing", got, before)
	}
	// Two mutations of one document under one key are two commands; the
	// retried document is the same two.
	both := func() map[string]receipt {
		r := rs.doWith(t, `mutation($to: ID!) { a: transferCoins(to: $to, amount: 1) { commandId status } b: transferCoins(to: $to, amount: 2) { commandId status } }`,
			map[string]any{"to": bob.ID}, func(h http.Header) {
				h.Set("Authorization", "Bearer "+ann.Token)
				h.Set("Idempotency-Key", "one-key-two-mutations")
			})
		var out map[string]receipt
		if len(r.Errors) > 0 || jsonInto(r.Data, &out) != nil {
			t.Fatalf("two keyed mutations: %s %+v", r.Data, r.Errors)
		}
		return out
	}
	first, again := both(), both()
	if first["a"].Status != "APPLIED" || first["b"].Status != "APPLIED" || first["a"].CommandID == first["b"].CommandID ||
		again["a"] != first["a"] || again["b"] != first["b"] {
		t.Errorf("two mutations under one key: %+v then %+v", first, again)
	}
	if got := rs.balance(t, ann.Token); got != before-3 {
		t.Errorf("balance %d, want %d: the document's two transfers move coins once each", got, before-3)
	}
}
