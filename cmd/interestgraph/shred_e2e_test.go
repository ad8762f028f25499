package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestDeletionShredsTheEventStore: a person's name, email, bio and memo
// never reach the events topic in clear text, yet subscribers read them
// while the person exists; after deleteAccount no reader of the topic can
// open them, and a rebuild from it has no trace of the person while the
// others' balances, follows and memos are right.
func TestDeletionShredsTheEventStore(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		cfg, provider := withProvider(t, testConfig(t, st))
		adminEmail := "root-" + testsupport.Unique() + "@example.com"
		cfg.AdminEmails = []string{adminEmail}
		rs := startService(t, cfg, roles{gateway: true, consumer: true})
		admin := rs.ws(t, provider.signIn(t, rs, adminEmail))
		admin.subscribe("g", `subscription { graphEvents { type subject data } }`, nil)
		rs.waitSubscriptions(t, 1)

		// Spaces and @ never occur in base64: a secret found on the topic
		// is there in clear text, not by chance.
		u := testsupport.Letters()
		name, email := "Leaver "+u, "leaver-"+testsupport.Unique()+"@example.com"
		renamed, bio, memo := "Renamed "+u, "Climbs and writes "+u, "for the kite "+u
		secrets := []string{name, email, renamed, bio, memo}
		var reg struct {
			Register struct {
				AccessToken string
				Person      struct{ ID string }
			}
		}
		rs.must(t, "", `mutation($in: RegisterInput!) { register(input: $in) { accessToken person { id } } }`,
			map[string]any{"in": map[string]any{"email": email, "password": "correct horse", "name": name}}, &reg)
		leaver := registered{ID: reg.Register.Person.ID, Email: email, Token: reg.Register.AccessToken}
		bob, cid := rs.register(t, "Bob"), rs.register(t, "Cid")
		var prof struct{ UpdateProfile receipt }
		rs.must(t, leaver.Token, `mutation($in: UpdateProfileInput!) { updateProfile(input: $in) { commandId status reason } }`,
			map[string]any{"in": map[string]any{"name": renamed, "bio": bio}}, &prof)
		if prof.UpdateProfile.Status != "APPLIED" {
			t.Fatalf("updateProfile: %+v", prof)
		}
		send := func(token, to string, amount int, memo string) {
			t.Helper()
			var out struct{ TransferCoins receipt }
			rs.must(t, token, `mutation($to: ID!, $a: Int!, $m: String) { transferCoins(to: $to, amount: $a, memo: $m) { commandId status reason } }`,
				map[string]any{"to": to, "a": amount, "m": memo}, &out)
			if out.TransferCoins.Status != "APPLIED" {
				t.Fatalf("transfer: %+v", out)
			}
		}
		bobMemo := "thanks Cid " + u
		send(leaver.Token, bob.ID, 30, memo)
		send(bob.Token, cid.ID, 20, bobMemo)
		rs.applied(t, leaver.Token, "follow", "personId", bob.ID)
		rs.applied(t, cid.Token, "follow", "personId", leaver.ID)
		rs.applied(t, bob.Token, "follow", "personId", cid.ID)

		// A live subscriber reads the person's data as it was written.
		seen := map[string]bool{}
		for !seen["ProfileUpdated"] || !seen["CoinsTransferred"] {
			var ev struct {
				GraphEvents struct{ Type, Subject, Data string }
			}
			admin.next("g", &ev)
			if ev.GraphEvents.Subject != leaver.ID {
				continue
			}
			switch g := ev.GraphEvents; {
			case g.Type == "PersonRegistered" && (!strings.Contains(g.Data, name) || !strings.Contains(g.Data, email)),
				g.Type == "ProfileUpdated" && (!strings.Contains(g.Data, renamed) || !strings.Contains(g.Data, bio)),
				g.Type == "CoinsTransferred" && !strings.Contains(g.Data, memo):
				t.Fatalf("graphEvents subscriber got %s without its personal data in clear: %s", g.Type, g.Data)
			}
			seen[ev.GraphEvents.Type] = true
		}

		noSecretOnTopic := func(when string) []kafka.Message {
			t.Helper()
			msgs := drain(t, rs, rs.busCfg.Topics.Events)
			theirs := 0
			for _, m := range msgs {
				if string(m.Key) == leaver.ID {
					theirs++
				}
				raw := string(m.Value)
				for _, h := range m.Headers {
					raw += " " + string(h.Value)
				}
				for _, s := range secrets {
					if strings.Contains(raw, s) {
						t.Fatalf("%s: the events topic holds %q in clear text at %d@%d: %s", when, s, m.Partition, m.Offset, m.Value)
					}
				}
			}
			if theirs < 4 { // registered, profile, transfer, follow
				t.Fatalf("%s: only %d events of the person on the topic", when, theirs)
			}
			return msgs
		}
		noSecretOnTopic("before the deletion")

		var del struct{ DeleteAccount receipt }
		rs.must(t, leaver.Token, `mutation($p: String) { deleteAccount(password: $p) { commandId status reason } }`,
			map[string]any{"p": "correct horse"}, &del)
		if del.DeleteAccount.Status != "APPLIED" {
			t.Fatalf("deleteAccount: %+v", del)
		}
		msgs := noSecretOnTopic("after the deletion")

		// Any later reader of the topic, with the very keys the service
		// uses, reads the person's fields empty.
		ctx := ctxFor(t, 2*time.Minute)
		for _, m := range msgs {
			ev, err := bus.DecodeEvent(m)
			if err != nil {
				t.Fatal(err)
			}
			opened, err := shred.OpenEvent(ctx, rs.store, ev)
			if err != nil {
				t.Fatalf("open %s: %v", ev.ID, err)
			}
			for _, s := range secrets {
				if strings.Contains(string(opened.Data), s) {
					t.Fatalf("%s of the deleted person opens after the deletion: %s", ev.Type, opened.Data)
				}
			}
		}

		// Rebuild: the graph has no trace of the person, and the others'
		// data (Bob's memo included, sealed like the rest) is intact.
		ids := []string{leaver.ID, bob.ID, cid.ID}
		var target interface {
			store.Projector
			store.Snapshotter
		}
		force := false
		if st == embeddedStack {
			target = memory.New()
		} else {
			// The shared database: remove this test's persons, then replay
			// this test's own topic over the rest (as the rebuild test does).
			testsupport.ForgetPersons(t, ids, nil)
			target, force = rs.store, true
		}
		if _, err := replay(ctx, rs.busCfg, target, rs.store, force); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := target.Snapshot(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(rebuilt)
		for _, s := range append(secrets, leaver.ID) {
			if strings.Contains(string(raw), s) {
				t.Fatalf("the rebuilt graph holds %q: %s", s, raw)
			}
		}
		got := map[string]store.SnapshotPerson{}
		for _, p := range rebuilt.Persons {
			got[p.ID] = p
		}
		b, c := got[bob.ID], got[cid.ID]
		if len(rebuilt.Persons) != 2 || b.Balance != 110 || c.Balance != 120 {
			t.Fatalf("rebuilt persons or balances: %s", raw)
		}
		if len(b.Follows) != 1 || b.Follows[0].To != cid.ID || len(c.Follows) != 0 {
			t.Fatalf("rebuilt follows: bob %+v, cid %+v", b.Follows, c.Follows)
		}
		memos := 0
		for _, r := range b.Ledger {
			if r.Kind == domain.TransferKind && r.Memo == bobMemo {
				memos++
			}
		}
		if memos != 1 || b.Name != "Bob" {
			t.Fatalf("a living person's sealed data did not survive the rebuild: %+v", b)
		}
	})
}
