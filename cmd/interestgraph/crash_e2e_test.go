package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
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
}

func (c *consumerProcess) start(t *testing.T) {
	t.Helper()
	c.cmd = exec.Command(c.bin, "consumer")
	c.cmd.Env = c.env
	c.cmd.Stdout, c.cmd.Stderr = os.Stderr, os.Stderr
	if os.Getenv("TEST_LOG") == "" {
		c.cmd.Stdout, c.cmd.Stderr = nil, nil
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

func (c *consumerProcess) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
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
		"KAFKA_SESSION_TIMEOUT=6s")
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
	cp := &consumerProcess{bin: bin, env: processEnv(cfg)}
	cp.start(t)
	t.Cleanup(cp.kill)

	const persons, perPerson = 8, 30
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

	// Expected final state, built alongside the commands.
	wantInterests := map[string][]string{}
	wantFollows := map[string][]string{}
	var all []string
	tag := testsupport.Letters()
	sent := make(chan error, 1)
	go func() {
		for round := range perPerson {
			var batch []domain.Command
			for i, id := range ids {
				var c domain.Command
				if round%3 == 2 {
					other := ids[(i+1+round/3)%persons]
					if other == id {
						continue
					}
					c, _ = domain.NewCommand(domain.CmdFollow, id, domain.FollowPayload{PersonID: other}, time.Now())
				} else {
					c, _ = domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: fmt.Sprintf("%s %d", tag, round)}, time.Now())
				}
				batch = append(batch, c)
				all = append(all, c.ID)
			}
			if err := rs.bus.SendCommands(ctx, batch...); err != nil {
				sent <- err
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		sent <- nil
	}()
	for i, id := range ids {
		for round := range perPerson {
			if round%3 == 2 {
				other := ids[(i+1+round/3)%persons]
				if other != id {
					wantFollows[id] = append(wantFollows[id], other)
				}
			} else {
				wantInterests[id] = append(wantInterests[id], fmt.Sprintf("%s %d", tag, round))
			}
		}
	}
	// Kill the consumer three times while commands stream in.
	for range 3 {
		time.Sleep(700 * time.Millisecond)
		cp.kill()
		cp.start(t)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
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
