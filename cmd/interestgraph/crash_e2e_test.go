package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// consumerProcess runs `interestgraph consumer` as its own process.
type consumerProcess struct {
	bin string
	env []string
	cmd *exec.Cmd
	// stderr, when set, receives the process's standard error (read it
	// only after the process ended).
	stderr io.Writer
}

func (c *consumerProcess) start(t *testing.T) {
	t.Helper()
	c.cmd = exec.Command(c.bin, "consumer")
	c.cmd.Env = c.env
	c.cmd.Stdout, c.cmd.Stderr = os.Stderr, os.Stderr
	if os.Getenv("TEST_LOG") == "" {
		c.cmd.Stdout, c.cmd.Stderr = nil, nil
	}
	if c.stderr != nil {
		c.cmd.Stderr = c.stderr
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

func (c *consumerProcess) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

// logOnFailure returns a file the caller's process writes its standard
// error to; if the test fails, its last 16 KiB are logged, so a process's
// own account of a failure is not lost.
func logOnFailure(t *testing.T, name string) io.Writer {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer f.Close()
		if !t.Failed() {
			return
		}
		b, _ := os.ReadFile(f.Name())
		t.Logf("%s's standard error (last 16 KiB):\n%s", name, b[max(0, len(b)-16<<10):])
	})
	return f
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "interestgraph")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func processEnv(cfg config.Config) []string {
	return append(os.Environ(),
		"KAFKA_BROKERS="+cfg.KafkaBrokers[0], "KAFKA_TOPIC_PREFIX="+cfg.KafkaTopicPrefix,
		"KAFKA_CONSUMER_GROUP="+cfg.ConsumerGroup, fmt.Sprintf("KAFKA_PARTITIONS=%d", cfg.KafkaPartitions),
		"NEO4J_URI="+cfg.Neo4jURI, "NEO4J_USER="+cfg.Neo4jUser, "NEO4J_PASSWORD="+cfg.Neo4jPassword, "LOG_LEVEL=warn",
		"KAFKA_SESSION_TIMEOUT=6s",
		// A consumer alone serves /metrics and /healthz: consumers of
		// parallel tests must not race for one port (the loser exits).
		"HTTP_ADDR=127.0.0.1:0")
}

// TestConsumerKilledMidStream: consumer processes are SIGKILLed while
// commands stream in; after restarts, every command's effect is in the
// graph exactly once.
func TestConsumerKilledMidStream(t *testing.T) {
	cfg := testConfig(t, realStack)
	bin := buildBinary(t)
	// This process only sends commands and reads the graph.
	rs := startService(t, cfg, roles{})
	ctx := ctxFor(t, 5*time.Minute)
	cp := &consumerProcess{bin: bin, env: processEnv(cfg), stderr: logOnFailure(t, "consumer")}
	cp.start(t)
	t.Cleanup(cp.kill)

	// A round every 100 ms while fewer than maxBacklog rounds wait for
	// their outcomes: each kill waits for the group to drop the killed
	// member (KAFKA_SESSION_TIMEOUT) and for the restarted consumer to
	// start, and under a whole suite on two cores a consumer may decide
	// fewer commands a second than an unpaced sender sends; its backlog
	// then grew until no restart reached the new commands within two
	// minutes. 1,200 rounds stay under the interest limit (two thirds of
	// them add one to each person); the sender gives up after maxTicks.
	const persons, maxRounds, maxBacklog, maxTicks = 8, 1200, 5, 3000
	ids := make([]string, persons)
	var regs []domain.Command
	for i := range ids {
		ids[i] = domain.NewID()
		c, _ := domain.NewCommand(domain.CmdRegisterPerson, ids[i], domain.RegisterPersonPayload{Name: fmt.Sprint("P", i), Email: testsupport.Unique() + "@example.com"}, time.Now())
		regs = append(regs, c)
	}
	if err := rs.bus.SendCommands(ctx, regs...); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Minute, "registrations", func() bool {
		m, err := rs.store.PersonsByIDs(ctx, ids)
		return err == nil && len(m) == persons
	})

	// Expected final state, built alongside the commands. The sender goes
	// on (paced, bounded) until every kill has landed.
	wantInterests := map[string][]string{}
	wantFollows := map[string][]string{}
	var mu sync.Mutex
	var batches [][]string // command ids per round, as sent
	var all []string
	tag := testsupport.Letters()
	sent := make(chan error, 1)
	killsDone := make(chan struct{})
	batch := func(i int) []string {
		mu.Lock()
		defer mu.Unlock()
		if i < 0 {
			i = len(batches) - 1
		}
		if i < 0 || i >= len(batches) {
			return nil
		}
		return batches[i]
	}
	decided := func(ids []string) (n int) {
		for _, id := range ids {
			if _, _, found, err := rs.store.CommandOutcome(ctx, id); err == nil && found {
				n++
			}
		}
		return n
	}
	go func() {
		tick := time.NewTicker(100 * time.Millisecond) // pacing, not synchronisation
		defer tick.Stop()
		for round, ticks := 0, 0; round < maxRounds && ticks < maxTicks; ticks++ {
			select {
			case <-killsDone:
				sent <- nil
				return
			case <-tick.C:
			}
			mu.Lock()
			n := len(batches)
			mu.Unlock()
			if n >= maxBacklog {
				if b := batch(n - maxBacklog); decided(b) < len(b) {
					continue // the consumer is behind: no round this tick
				}
			}
			var cmds []domain.Command
			var batchIDs []string
			mu.Lock()
			for i, id := range ids {
				var c domain.Command
				if round%3 == 2 {
					other := ids[(i+1+round/3)%persons]
					if other == id {
						continue
					}
					c, _ = domain.NewCommand(domain.CmdFollow, id, domain.FollowPayload{PersonID: other}, time.Now())
					wantFollows[id] = append(wantFollows[id], other)
				} else {
					name := fmt.Sprintf("%s %d", tag, round)
					c, _ = domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: name}, time.Now())
					wantInterests[id] = append(wantInterests[id], name)
				}
				cmds = append(cmds, c)
				batchIDs = append(batchIDs, c.ID)
				all = append(all, c.ID)
			}
			mu.Unlock()
			if err := rs.bus.SendCommands(ctx, cmds...); err != nil {
				sent <- err
				return
			}
			mu.Lock()
			batches = append(batches, batchIDs)
			mu.Unlock()
			round++
		}
		sent <- errors.New("every round sent, or the time to send them spent, before the kills landed")
	}()
	// Kill the consumer three times, each while it is working (it decided
	// a command sent after its start) and commands are still undecided: a
	// kill during start-up or after the backlog proves nothing.
	landed := 0
	for landed < 3 {
		mu.Lock()
		mark := len(batches)
		mu.Unlock()
		eventually(t, 2*time.Minute, "the restarted consumer to decide new commands", func() bool {
			select {
			case err := <-sent: // the sender stopped: no new command will come
				t.Fatalf("sending commands stopped: %v", err)
			default:
			}
			return decided(batch(mark)) > 0
		})
		eventually(t, time.Minute, "undecided commands to kill in", func() bool { b := batch(-1); return decided(b) < len(b) })
		cp.kill()
		landed++
		cp.start(t)
	}
	close(killsDone)
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if landed < 3 {
		t.Fatalf("only %d kills landed while commands were undecided", landed)
	}
	eventually(t, 3*time.Minute, "every command decided", func() bool {
		for _, id := range all {
			if _, _, found, err := rs.store.CommandOutcome(ctx, id); err != nil || !found {
				return false
			}
		}
		return true
	})
	gotInterests, err := rs.store.InterestsOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := rs.store.Snapshot(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range snap.Persons {
		want := dedupe(wantInterests[p.ID])
		if got := gotInterests[p.ID]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s interests: got %d %v, want %d", p.ID, len(got), got, len(want))
		}
		var follows []string
		for _, e := range p.Follows {
			follows = append(follows, e.To)
		}
		if want := dedupe(wantFollows[p.ID]); !reflect.DeepEqual(follows, want) {
			t.Errorf("%s follows: got %v, want %v", p.ID, follows, want)
		}
	}
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
