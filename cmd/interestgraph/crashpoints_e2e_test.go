package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/consumers"
	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestConsumerCrashPoints kills a consumer process at each named instant
// of a command's handling (the test-only INTERESTGRAPH_CRASH_AT hook),
// restarts it, and checks that nothing was lost or applied twice, with
// transfers (whose double application shows in the balances) next to
// follows and interests. Real stack only: the embedded broker and store
// live inside one process, so a consumer subprocess cannot share them.
func TestConsumerCrashPoints(t *testing.T) {
	bin := buildBinary(t)
	for _, point := range []string{"after-decide", "after-events", "after-outcome", "before-commit"} {
		t.Run(point, func(t *testing.T) {
			t.Parallel()
			testCrashAt(t, bin, point)
		})
	}
}

const crashPersons, crashRounds = 4, 3

// crashRun is a consumer process that kills itself at a crash point, the
// service that sends its commands and reads the store, and the registered
// persons with what the test expects of them.
type crashRun struct {
	cfg      config.Config
	rs       *running
	cp       *consumerProcess
	ctx      context.Context
	ids      []string
	cmds     []domain.Command // sent so far
	w        *world
	balances map[string]int64
}

// startCrashRun starts a consumer that kills itself at point on the
// crashAt-th command after the registrations (stderr, if set, gets what it
// says), registers crashPersons persons and waits for them.
func startCrashRun(t *testing.T, bin, point string, crashAt int, within time.Duration, stderr io.Writer) *crashRun {
	cfg := testConfig(t, realStack)
	r := &crashRun{cfg: cfg, rs: startService(t, cfg, roles{}), ctx: ctxFor(t, within)} // sends commands, reads the store
	r.cp = &consumerProcess{bin: bin, stderr: stderr,
		env: append(processEnv(cfg), fmt.Sprintf("%s=%s:%d", consumers.CrashAtEnv, point, crashPersons+crashAt))}
	r.cp.start(t)
	t.Cleanup(r.cp.kill)
	r.ids, r.cmds = crashRegistrations(t)
	send(t, r.ctx, r.rs, r.cmds...)
	eventually(t, 2*time.Minute, "registrations", func() bool {
		m, err := r.rs.store.PersonsByIDs(r.ctx, r.ids)
		return err == nil && len(m) == crashPersons
	})
	r.w = newWorld(r.ids)
	r.balances = map[string]int64{}
	for _, id := range r.ids {
		r.balances[id] = 100
	}
	return r
}

// restart starts the consumer again, unhooked.
func (r *crashRun) restart(t *testing.T) {
	r.cp.env, r.cp.stderr = processEnv(r.cfg), nil
	r.cp.start(t)
}

func testCrashAt(t *testing.T, bin, point string) {
	// Die at the 3rd arrival after the registrations: in the middle of the
	// second phase, while its commands are undecided.
	run := startCrashRun(t, bin, point, 3, 3*time.Minute, nil)
	rs, cp, ctx, ids, cmds, w, balances := run.rs, run.cp, run.ctx, run.ids, run.cmds, run.w, run.balances
	tag := testsupport.Letters()
	for r := range crashRounds {
		var batch []domain.Command
		for i, id := range ids {
			to, amount := ids[(i+1)%crashPersons], int64(i+1)
			tr, _ := domain.NewCommand(domain.CmdTransferCoins, id, domain.TransferPayload{To: to, Amount: amount}, time.Now())
			fo, _ := domain.NewCommand(domain.CmdFollow, id, domain.FollowPayload{PersonID: ids[(i+1+r)%crashPersons]}, time.Now())
			in, _ := domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: fmt.Sprintf("%s %d", tag, r)}, time.Now())
			batch = append(batch, tr, in)
			balances[id] -= amount
			balances[to] += amount
			w.apply(id, "addInterest", fmt.Sprintf("%s %d", tag, r), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
			if other := ids[(i+1+r)%crashPersons]; other != id {
				batch = append(batch, fo)
				w.apply(id, "follow", other, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
			}
		}
		cmds = append(cmds, batch...)
		send(t, ctx, rs, batch...)
	}
	waitKilled(t, cp, point)
	run.restart(t)
	eventually(t, 2*time.Minute, "every command decided and answered", func() bool { return allAnswered(t, ctx, rs, cmds) })

	snap, err := rs.store.Snapshot(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{}
	for _, id := range ids {
		sent[id] = crashRounds
	}
	w.check(t, point, snap, balances, sent)
	checkLedgerRecords(t, ctx, rs.store, ids, 1+2*crashRounds)
	checkEventsAndOutcomes(t, rs, cmds)
}

func crashRegistrations(t *testing.T) ([]string, []domain.Command) {
	t.Helper()
	var ids []string
	var cmds []domain.Command
	for i := range crashPersons {
		id := domain.NewID()
		c, err := domain.NewCommand(domain.CmdRegisterPerson, id, domain.RegisterPersonPayload{Name: fmt.Sprint("P", i), Email: testsupport.Unique() + "@example.com"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ids, cmds = append(ids, id), append(cmds, c)
	}
	return ids, cmds
}

func send(t *testing.T, ctx context.Context, rs *running, cmds ...domain.Command) {
	t.Helper()
	if err := rs.bus.SendCommands(ctx, cmds...); err != nil {
		t.Fatal(err)
	}
}

// waitKilled requires the consumer to have killed itself at its crash
// point: a test whose crash never landed proves nothing.
func waitKilled(t *testing.T, cp *consumerProcess, point string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cp.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("consumer ended without crashing at %s: %v", point, err)
		}
		if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("consumer ended with %v, want SIGKILL from the %s hook", err, point)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the consumer never reached %s", point)
	}
}

// allAnswered: every command is decided in the store and has its outcome
// on the outcomes topic. The store alone is not enough: a consumer killed
// between its commit and its publishing publishes only after its restart
// redoes the command, which may be after the store already shows it.
func allAnswered(t *testing.T, ctx context.Context, rs *running, cmds []domain.Command) bool {
	t.Helper()
	if !allDecided(ctx, rs, cmds) {
		return false
	}
	outcomes, err := drainOnce(ctx, rs, rs.busCfg.Topics.Outcomes)
	if err != nil {
		return false // a broker hiccup: the next poll reads again
	}
	answered := map[string]bool{}
	for _, m := range outcomes {
		var o domain.Outcome
		if err := json.Unmarshal(m.Value, &o); err != nil {
			t.Fatalf("outcome: %v", err)
		}
		answered[o.CommandID] = true
	}
	for _, c := range cmds {
		if !answered[c.ID] {
			return false
		}
	}
	return true
}

func allDecided(ctx context.Context, rs *running, cmds []domain.Command) bool {
	for _, c := range cmds {
		if _, _, found, err := rs.store.CommandOutcome(ctx, c.ID); err != nil || !found {
			return false
		}
	}
	return true
}

// checkLedgerRecords: each person has exactly want records (the grant, the
// transfers sent and those received), each once.
func checkLedgerRecords(t *testing.T, ctx context.Context, s store.GraphStore, ids []string, want int) {
	t.Helper()
	for _, id := range ids {
		page, err := s.Transfers(ctx, id, store.Page{First: 100})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range page.Transfers {
			seen[r.ID] = true
		}
		if page.TotalCount != want || len(seen) != want {
			t.Errorf("%s: %d ledger records (%d distinct), want %d", id, page.TotalCount, len(seen), want)
		}
	}
}

// checkEventsAndOutcomes reads the events and outcomes topics: each
// decision has exactly its events, each under one id (a republished event
// keeps its id), and each command one outcome status.
func checkEventsAndOutcomes(t *testing.T, rs *running, cmds []domain.Command) {
	t.Helper()
	eventIDs := map[string]map[string]bool{}
	for _, m := range drainAll(t, rs, rs.busCfg.Topics.Events) {
		ev, err := bus.DecodeEvent(m)
		if err != nil {
			t.Fatalf("event on the events topic: %v", err)
		}
		if eventIDs[ev.CommandID] == nil {
			eventIDs[ev.CommandID] = map[string]bool{}
		}
		eventIDs[ev.CommandID][ev.ID] = true
	}
	statuses := outcomeStatuses(t, rs)
	for _, c := range cmds {
		want := 1
		if c.Type == domain.CmdRegisterPerson {
			want = 2 // registered and the welcome grant
		}
		if got := len(eventIDs[c.ID]); got != want {
			t.Errorf("%s %s: %d distinct event ids, want %d", c.Type, c.ID, got, want)
		}
		if st := statuses[c.ID]; len(st) != 1 || !st[domain.StatusApplied] {
			t.Errorf("%s %s: outcome statuses %v, want exactly APPLIED", c.Type, c.ID, st)
		}
	}
}

// outcomeStatuses reads the outcomes topic: the statuses published for
// each command id.
func outcomeStatuses(t *testing.T, rs *running) map[string]map[domain.Status]bool {
	t.Helper()
	statuses := map[string]map[domain.Status]bool{}
	for _, m := range drainAll(t, rs, rs.busCfg.Topics.Outcomes) {
		var o domain.Outcome
		if err := json.Unmarshal(m.Value, &o); err != nil {
			t.Fatalf("outcome: %v", err)
		}
		if statuses[o.CommandID] == nil {
			statuses[o.CommandID] = map[domain.Status]bool{}
		}
		statuses[o.CommandID][o.Status] = true
	}
	return statuses
}

// drainAll is drain, tried again after a broker hiccup (a loaded broker
// may drop a metadata connection): a whole topic or a failed test.
func drainAll(t *testing.T, rs *running, topic string) []kafka.Message {
	t.Helper()
	var out []kafka.Message
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Second) // backoff between attempts, not synchronisation
		}
		out, err = drainOnce(ctxFor(t, 30*time.Second), rs, topic)
		if err == nil {
			return out
		}
	}
	t.Fatalf("drain %s: %v", topic, err)
	return nil
}

func drainOnce(ctx context.Context, rs *running, topic string) ([]kafka.Message, error) {
	tail, err := bus.NewTail(ctx, rs.busCfg, topic, bus.FromStart)
	if err != nil {
		return nil, err
	}
	defer tail.Close()
	var out []kafka.Message
	err = tail.Drain(ctx, func(_ context.Context, m kafka.Message) error { out = append(out, m); return nil })
	return out, err
}
