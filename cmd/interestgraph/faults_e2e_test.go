package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// behindNeo4jProxy points cfg's store at a fault-injecting proxy in front
// of the real Neo4j. bolt:// is a direct connection (no routing table), so
// the driver dials nothing but the proxy.
func behindNeo4jProxy(t *testing.T, cfg *config.Config) *testsupport.Proxy {
	t.Helper()
	u, err := url.Parse(cfg.Neo4jURI)
	if err != nil || u.Host == "" {
		t.Fatalf("NEO4J_URI %q: %v", cfg.Neo4jURI, err)
	}
	p := testsupport.StartProxy(t, u.Host)
	cfg.Neo4jURI = "bolt://" + p.Addr()
	return p
}

func readyzStatus(rs *running) int {
	resp, err := http.Get(rs.url + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestNeo4jCutWhileCommandsFlow takes the real Neo4j away (a proxy closes
// every connection and refuses new ones) while commands are sent: /readyz
// says not ready, the commands wait in their partition (no outcome, no dead
// letter), and once Neo4j is back every one of them is applied, exactly
// once (balances and receipts say so).
func TestNeo4jCutWhileCommandsFlow(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, realStack)
	proxy := behindNeo4jProxy(t, &cfg)
	cfg.CommandWaitTimeout = 2 * time.Second // mutations during the cut answer ACCEPTED soon
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
	if r := rs.mutate(t, ann.Token, "addInterest", "name", "before the cut"); r.Status != "APPLIED" {
		t.Fatalf("before the cut: %+v", r)
	}

	proxy.Cut()
	eventually(t, 30*time.Second, "/readyz not ready during the cut", func() bool { return readyzStatus(rs) == http.StatusServiceUnavailable })
	var sent []receipt
	sent = append(sent, rs.mutate(t, ann.Token, "addInterest", "name", "during the cut"), rs.mutate(t, ann.Token, "follow", "personId", bob.ID))
	var tr struct{ TransferCoins receipt }
	rs.must(t, ann.Token, `mutation($to: ID!) { transferCoins(to: $to, amount: 7) { commandId status reason } }`, map[string]any{"to": bob.ID}, &tr)
	sent = append(sent, tr.TransferCoins)
	for _, r := range sent {
		if r.Status != "ACCEPTED" {
			t.Fatalf("a command sent during the cut was decided without the store: %+v", r)
		}
	}
	// The partition waits: nothing decided, nothing set aside, while the
	// store stays away (checked after the mutations' own waits).
	if n := countOutcomes(t, rs, sent); n != 0 {
		t.Fatalf("%d outcomes published during the cut", n)
	}
	if readyzStatus(rs) == http.StatusOK {
		t.Fatal("/readyz ready while Neo4j is cut")
	}

	proxy.Restore()
	eventually(t, time.Minute, "/readyz ready after the cut", func() bool { return readyzStatus(rs) == http.StatusOK })
	const q = `query($id: ID!) { commandReceipt(commandId: $id) { status reason } }`
	for _, r := range sent {
		eventually(t, 2*time.Minute, "receipt "+r.CommandID+" APPLIED", func() bool {
			var got struct{ CommandReceipt receipt }
			rs.must(t, ann.Token, q, map[string]any{"id": r.CommandID}, &got)
			if s := got.CommandReceipt.Status; s != "ACCEPTED" && s != "APPLIED" {
				t.Fatalf("receipt %s after the cut: %+v", r.CommandID, got.CommandReceipt)
			}
			return got.CommandReceipt.Status == "APPLIED"
		})
	}
	if dl := drainAll(t, rs, rs.busCfg.Topics.DeadLetters); len(dl) != 0 {
		t.Fatalf("%d dead letters from a store outage (first reason %q)", len(dl), headerValue(dl[0].Headers, "dlq-reason"))
	}
	snap, err := rs.store.Snapshot(ctxFor(t, 30*time.Second), []string{ann.ID, bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := balanceIn(snap, ann.ID), balanceIn(snap, bob.ID); a != 93 || b != 107 {
		t.Fatalf("balances after the cut: ann %d bob %d, want 93 and 107 (the transfer once)", a, b)
	}
}

// countOutcomes counts the outcomes on the outcomes topic of the given
// commands.
func countOutcomes(t *testing.T, rs *running, of []receipt) int {
	t.Helper()
	want := map[string]bool{}
	for _, r := range of {
		want[r.CommandID] = true
	}
	n := 0
	for _, m := range drainAll(t, rs, rs.busCfg.Topics.Outcomes) {
		var o domain.Outcome
		if err := jsonInto(m.Value, &o); err == nil && want[o.CommandID] {
			n++
		}
	}
	return n
}

// TestSlowNeo4jDecidesEachCommandOnce puts latency on every byte to and
// from Neo4j while a stream of transfers, follows and interests is
// decided: slow transactions (and whatever the driver or the consumer
// retries because of them) must not decide any command twice.
func TestSlowNeo4jDecidesEachCommandOnce(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, realStack)
	proxy := behindNeo4jProxy(t, &cfg)
	rs := startService(t, cfg, roles{consumer: true})
	ctx := ctxFor(t, 3*time.Minute)
	ids, cmds := crashRegistrations(t)
	send(t, ctx, rs, cmds...)
	eventually(t, time.Minute, "registrations", func() bool { return allDecided(ctx, rs, cmds) })

	proxy.Slow(30 * time.Millisecond)
	tag := testsupport.Letters()
	var batch []domain.Command
	for i, id := range ids {
		next := ids[(i+1)%len(ids)]
		tr, _ := domain.NewCommand(domain.CmdTransferCoins, id, domain.TransferPayload{To: next, Amount: int64(i + 1)}, time.Now())
		fo, _ := domain.NewCommand(domain.CmdFollow, id, domain.FollowPayload{PersonID: next}, time.Now())
		in, _ := domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: fmt.Sprint(tag, " ", i)}, time.Now())
		batch = append(batch, tr, fo, in)
	}
	send(t, ctx, rs, batch...)
	cmds = append(cmds, batch...)
	eventually(t, 2*time.Minute, "every command decided and answered on a slow store", func() bool { return allAnswered(t, ctx, rs, cmds) })
	proxy.Restore()

	checkEventsAndOutcomes(t, rs, cmds)
	snap, err := rs.store.Snapshot(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		prev := (i + len(ids) - 1) % len(ids)
		want := int64(100 - (i + 1) + (prev + 1))
		if got := balanceIn(snap, id); got != want {
			t.Errorf("%s: balance %d, want %d", id, got, want)
		}
	}
	checkLedgerRecords(t, ctx, rs.store, ids, 3)
}

// balanceIn is the balance of id in snap (-1 if id is not in it).
func balanceIn(snap store.Snapshot, id string) int64 {
	for _, p := range snap.Persons {
		if p.ID == id {
			return p.Balance
		}
	}
	return -1
}

func headerValue(hs []kafka.Header, key string) string {
	for _, h := range hs {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
