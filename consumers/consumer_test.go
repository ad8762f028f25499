package consumers_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/consumers"
	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/embedded"
	"github.com/interestgraph/interestgraph/internal/store"
)

// flakyStore fails Execute for commands in failing, and is "down" (Ready
// fails) while down is set.
type flakyStore struct {
	mu       sync.Mutex
	down     bool
	failing  map[string]bool
	attempts map[string]int
	applied  []string
}

func (f *flakyStore) Execute(_ context.Context, cmd domain.Command, _ store.DecideFunc) (domain.Outcome, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[cmd.ID]++
	if f.down || f.failing[cmd.ID] {
		return domain.Outcome{}, false, errors.New("boom")
	}
	f.applied = append(f.applied, cmd.ID)
	return domain.Outcome{CommandID: cmd.ID, Status: domain.StatusApplied}, false, nil
}

func (f *flakyStore) Ready(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("down")
	}
	return nil
}

func (f *flakyStore) snapshot() ([]string, map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	att := map[string]int{}
	for k, v := range f.attempts {
		att[k] = v
	}
	return append([]string(nil), f.applied...), att
}

func TestStoreOutageHoldsThePartitionAndPoisonGoesToDeadLetters(t *testing.T) {
	b, err := embedded.StartBroker(0)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := bus.Config{Brokers: b.Addrs(), Topics: bus.DefaultTopics(""), Partitions: 1, ReplicationFactor: 1}
	if err := bus.EnsureTopics(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	bs, _ := bus.New(cfg)
	defer bs.Close()
	actor := domain.NewID()
	var cmds []domain.Command
	for range 3 {
		c, _ := domain.NewCommand(domain.CmdAddInterest, actor, domain.InterestPayload{Interest: "go"}, time.Now())
		cmds = append(cmds, c)
	}
	st := &flakyStore{down: true, failing: map[string]bool{cmds[1].ID: true}, attempts: map[string]int{}}
	if err := bs.SendCommands(ctx, cmds...); err != nil {
		t.Fatal(err)
	}
	c, err := consumers.New(consumers.Config{Bus: cfg, MaxAttempts: 3}, bs, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()

	// While the store is down, the first command is retried and nothing
	// moves past it, however many attempts it takes.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, att := st.snapshot(); att[cmds[0].ID] >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // polling a condition with a deadline
	}
	applied, att := st.snapshot()
	if len(applied) != 0 || att[cmds[0].ID] < 3 || att[cmds[1].ID] != 0 {
		t.Fatalf("during outage: applied %v attempts %v", applied, att)
	}
	st.mu.Lock()
	st.down = false
	st.mu.Unlock()

	deadline = time.Now().Add(30 * time.Second)
	for {
		applied, _ = st.snapshot()
		if len(applied) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(applied) != 2 || applied[0] != cmds[0].ID || applied[1] != cmds[2].ID {
		t.Fatalf("applied %v, want the first and third command in order", applied)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	// The poison command is in the dead-letter topic with its reason.
	tail, err := bus.NewTail(ctx, cfg, cfg.Topics.DeadLetters, bus.FromStart)
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	var dead []kafka.Message
	_ = tail.Drain(ctx, func(_ context.Context, m kafka.Message) error { dead = append(dead, m); return nil })
	if len(dead) != 1 {
		t.Fatalf("dead letters: %d", len(dead))
	}
	got, _ := domain.DecodeCommand(dead[0].Value)
	if got.ID != cmds[1].ID {
		t.Fatalf("dead letter is %s, want %s", got.ID, cmds[1].ID)
	}
	if _, att := st.snapshot(); att[cmds[1].ID] != 3 {
		t.Fatalf("poison attempts: %d, want 3", att[cmds[1].ID])
	}
}
