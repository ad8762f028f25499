package consumers_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/consumers"
	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/bus/bustest"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/embedded"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
)

// flakyStore decides commands against a graph where every person exists
// and records outcomes like the real stores. It fails to apply the events
// of commands in failing (a poison command: a rejection without events is
// still recorded), fails every call while down (Ready fails too), answers
// a Neo4j deadlock transient[id] times, and blocks until the deadline for
// commands in hang.
type flakyStore struct {
	mu        sync.Mutex
	down      bool
	failing   map[string]bool
	transient map[string]int
	hang      map[string]bool
	attempts  map[string]int
	recorded  map[string]domain.Outcome
	applied   []string
	batches   [][]string // the command ids of each batch executed
}

func newFlakyStore() *flakyStore {
	return &flakyStore{failing: map[string]bool{}, transient: map[string]int{}, hang: map[string]bool{},
		attempts: map[string]int{}, recorded: map[string]domain.Outcome{}}
}

type everyoneExists struct{}

func (everyoneExists) PersonExists(context.Context, string) (bool, error)        { return true, nil }
func (everyoneExists) Follows(context.Context, string, string) (bool, error)     { return false, nil }
func (everyoneExists) HasInterest(context.Context, string, string) (bool, error) { return false, nil }
func (everyoneExists) InterestCount(context.Context, string) (int, error)        { return 0, nil }
func (everyoneExists) FollowingCount(context.Context, string) (int, error)       { return 0, nil }
func (everyoneExists) Related(context.Context, string, string, domain.Relation) (bool, error) {
	return false, nil
}
func (everyoneExists) HasNotification(context.Context, string, string) (bool, error) {
	return false, nil
}

func (f *flakyStore) Execute(ctx context.Context, cmd domain.Command, decide store.DecideFunc) (domain.Outcome, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[cmd.ID]++
	if out, ok := f.recorded[cmd.ID]; ok {
		return out, true, nil
	}
	if f.hang[cmd.ID] {
		f.mu.Unlock()
		<-ctx.Done()
		f.mu.Lock()
		return domain.Outcome{}, false, ctx.Err()
	}
	if f.transient[cmd.ID] > 0 {
		f.transient[cmd.ID]--
		// What the driver answers when two transactions deadlock, as the
		// Neo4j store hands it on.
		deadlock := &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"}
		return domain.Outcome{}, false, neo4jstore.Classify(deadlock)
	}
	if f.down {
		return domain.Outcome{}, false, errors.New("boom")
	}
	out, err := decide(ctx, everyoneExists{}, cmd, time.Now())
	if err != nil {
		return domain.Outcome{}, false, err
	}
	if f.failing[cmd.ID] && len(out.Events) > 0 {
		return domain.Outcome{}, false, errors.New("boom")
	}
	f.recorded[cmd.ID] = out
	if out.Status == domain.StatusApplied {
		f.applied = append(f.applied, cmd.ID)
	}
	return out, false, nil
}

// ExecuteBatch executes the commands one after the other and, like a
// transaction, keeps nothing of the batch if one fails.
func (f *flakyStore) ExecuteBatch(ctx context.Context, cmds []domain.Command, decide store.DecideFunc) ([]store.Executed, error) {
	f.mu.Lock()
	ids := make([]string, len(cmds))
	for i, c := range cmds {
		ids[i] = c.ID
	}
	f.batches = append(f.batches, ids)
	recorded, applied := maps.Clone(f.recorded), len(f.applied)
	f.mu.Unlock()
	done := make([]store.Executed, 0, len(cmds))
	for i, cmd := range cmds {
		out, replayed, err := f.Execute(ctx, cmd, decide)
		if err != nil {
			f.mu.Lock()
			f.recorded, f.applied = recorded, f.applied[:applied]
			f.mu.Unlock()
			return nil, &store.BatchError{Index: i, CommandID: cmd.ID, Err: err}
		}
		done = append(done, store.Executed{Outcome: out, Replayed: replayed})
	}
	return done, nil
}

func (f *flakyStore) executedBatches() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}

func (f *flakyStore) Ready(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("down")
	}
	return nil
}

func (f *flakyStore) snapshot() ([]string, map[string]int, map[string]domain.Outcome) {
	f.mu.Lock()
	defer f.mu.Unlock()
	att := map[string]int{}
	for k, v := range f.attempts {
		att[k] = v
	}
	rec := map[string]domain.Outcome{}
	for k, v := range f.recorded {
		rec[k] = v
	}
	return append([]string(nil), f.applied...), att, rec
}

// rig is a broker with topics, a bus and a running consumer.
type rig struct {
	cfg  bus.Config
	bus  *bus.Bus
	stop func()
}

func startRig(t *testing.T, ctx context.Context, st *flakyStore, ccfg consumers.Config, cmds ...domain.Command) *rig {
	t.Helper()
	return startRigWith(t, ctx, st, ccfg, rigOptions{}, cmds...)
}

// rigOptions: raw messages written to the commands topic after cmds,
// before the consumer starts, and a wrapper of the consumer's publisher.
type rigOptions struct {
	raw  []kafka.Message
	wrap func(consumers.Publisher) consumers.Publisher
}

func startRigWith(t *testing.T, ctx context.Context, st *flakyStore, ccfg consumers.Config, opts rigOptions, cmds ...domain.Command) *rig {
	t.Helper()
	b, err := embedded.StartBroker(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	cfg := bus.Config{Brokers: b.Addrs(), Topics: bus.DefaultTopics(""), Partitions: 1, ReplicationFactor: 1}
	if err := bus.EnsureTopics(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	bs, err := bus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	if err := bs.SendCommands(ctx, cmds...); err != nil {
		t.Fatal(err)
	}
	if len(opts.raw) > 0 {
		for i := range opts.raw {
			opts.raw[i].Topic = cfg.Topics.Commands
		}
		if err := bs.WriteRaw(ctx, opts.raw...); err != nil {
			t.Fatal(err)
		}
	}
	ccfg.Bus = cfg
	var pub consumers.Publisher = bs
	if opts.wrap != nil {
		pub = opts.wrap(bs)
	}
	c, err := consumers.New(ccfg, pub, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()
	r := &rig{cfg: cfg, bus: bs}
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			stop()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(r.stop)
	return r
}

// read returns every message of topic so far.
func (r *rig) read(t *testing.T, ctx context.Context, topic string) []kafka.Message {
	t.Helper()
	return bustest.Drain(t, ctx, r.cfg, topic)
}

// outcomes returns the published outcomes by command id.
func (r *rig) outcomes(t *testing.T, ctx context.Context) map[string]domain.Outcome {
	t.Helper()
	got := map[string]domain.Outcome{}
	for _, m := range r.read(t, ctx, r.cfg.Topics.Outcomes) {
		var o domain.Outcome
		if err := json.Unmarshal(m.Value, &o); err != nil {
			t.Fatalf("outcome %q: %v", m.Value, err)
		}
		got[o.CommandID] = o
	}
	return got
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func newCommands(t *testing.T, n int) []domain.Command {
	t.Helper()
	actor := domain.NewID()
	var cmds []domain.Command
	for range n {
		c, err := domain.NewCommand(domain.CmdAddInterest, actor, domain.InterestPayload{Interest: "go"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	return cmds
}

func TestStoreOutageHoldsThePartitionAndPoisonGoesToDeadLetters(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 3)
	st := newFlakyStore()
	st.down = true
	st.failing[cmds[1].ID] = true
	deadLettered := map[string]string{"type": string(cmds[1].Type), "status": "DEAD_LETTERED"}
	deadBefore := metrics.Read("interestgraph_commands_total", deadLettered)
	r := startRig(t, ctx, st, consumers.Config{MaxAttempts: 3}, cmds...)

	// While the store is down, the first command is retried and nothing
	// moves past it, however many attempts it takes.
	eventually(t, 10*time.Second, "three attempts of the first command", func() bool {
		_, att, _ := st.snapshot()
		return att[cmds[0].ID] >= 3
	})
	applied, att, _ := st.snapshot()
	if len(applied) != 0 || att[cmds[1].ID] != 0 {
		t.Fatalf("during outage: applied %v attempts %v", applied, att)
	}
	st.mu.Lock()
	st.down = false
	st.mu.Unlock()

	eventually(t, 30*time.Second, "the first and third command applied", func() bool {
		applied, _, _ = st.snapshot()
		return len(applied) == 2
	})
	if applied[0] != cmds[0].ID || applied[1] != cmds[2].ID {
		t.Fatalf("applied %v, want the first and third command in order", applied)
	}
	r.stop()
	// The poison command is in the dead-letter topic with its reason.
	dead := r.read(t, ctx, r.cfg.Topics.DeadLetters)
	if len(dead) != 1 {
		t.Fatalf("dead letters: %d", len(dead))
	}
	got, _ := domain.DecodeCommand(dead[0].Value)
	if got.ID != cmds[1].ID {
		t.Fatalf("dead letter is %s, want %s", got.ID, cmds[1].ID)
	}
	_, att, rec := st.snapshot()
	if att[cmds[1].ID] < 3 {
		t.Fatalf("poison attempts: %d, want at least 3", att[cmds[1].ID])
	}
	// And it has an answer: REJECTED UNPROCESSABLE, recorded in the store
	// (for commandReceipt and redeliveries) and published (for the waiting
	// mutation).
	if o := rec[cmds[1].ID]; o.Status != domain.StatusRejected || o.Reason != domain.ReasonUnprocessable {
		t.Fatalf("recorded outcome of the poison command: %+v", o)
	}
	outs := r.outcomes(t, ctx)
	if o := outs[cmds[1].ID]; o.Status != domain.StatusRejected || o.Reason != domain.ReasonUnprocessable {
		t.Fatalf("published outcome of the poison command: %+v", o)
	}
	if outs[cmds[0].ID].Status != domain.StatusApplied || outs[cmds[2].ID].Status != domain.StatusApplied {
		t.Fatalf("published outcomes: %+v", outs)
	}
	// Operators see it: counted DEAD_LETTERED (other tests may add more).
	if got := metrics.Read("interestgraph_commands_total", deadLettered) - deadBefore; got < 1 {
		t.Fatalf("commands_total%v rose by %v, want at least 1", deadLettered, got)
	}
}

// A poison command whose rejection cannot be recorded either (the store
// fails every write of it) still gets its answer published.
func TestPoisonIsAnsweredEvenWhenItsRejectionCannotBeRecorded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 1)
	st := newFlakyStore()
	st.hang[cmds[0].ID] = true
	r := startRig(t, ctx, st, consumers.Config{MaxAttempts: 2, AttemptTimeout: 200 * time.Millisecond}, cmds...)
	eventually(t, 30*time.Second, "a REJECTED UNPROCESSABLE outcome", func() bool {
		o := r.outcomes(t, ctx)[cmds[0].ID]
		return o.Status == domain.StatusRejected && o.Reason == domain.ReasonUnprocessable
	})
	if dead := r.read(t, ctx, r.cfg.Topics.DeadLetters); len(dead) != 1 {
		t.Fatalf("dead letters: %d, want 1", len(dead))
	}
}

// Deadlocks, lock timeouts and leader switches are the store's trouble, not
// the command's: the partition waits, however often they happen, and the
// command is applied once they stop.
func TestTransientStoreErrorsAreRetriedNeverDeadLettered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 2)
	st := newFlakyStore()
	st.transient[cmds[0].ID] = 4 // twice MaxAttempts
	r := startRig(t, ctx, st, consumers.Config{MaxAttempts: 2}, cmds...)
	eventually(t, 30*time.Second, "both commands applied", func() bool {
		applied, _, _ := st.snapshot()
		return len(applied) == 2
	})
	applied, att, _ := st.snapshot()
	if applied[0] != cmds[0].ID || att[cmds[0].ID] != 5 {
		t.Fatalf("applied %v, attempts %v", applied, att)
	}
	r.stop()
	if dead := r.read(t, ctx, r.cfg.Topics.DeadLetters); len(dead) != 0 {
		t.Fatalf("a valid command hit by deadlocks was dead-lettered: %d messages", len(dead))
	}
	if o := r.outcomes(t, ctx)[cmds[0].ID]; o.Status != domain.StatusApplied {
		t.Fatalf("outcome: %+v", o)
	}
}

// A command that runs into its deadline while the store answers is a
// failure: after MaxAttempts it is set aside and answered, and the
// partition moves on.
func TestDeadlineCountsAsFailure(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 2)
	st := newFlakyStore()
	st.hang[cmds[0].ID] = true
	r := startRig(t, ctx, st, consumers.Config{MaxAttempts: 3, AttemptTimeout: 200 * time.Millisecond}, cmds...)
	eventually(t, 30*time.Second, "the second command applied", func() bool {
		applied, _, _ := st.snapshot()
		return len(applied) == 1 && applied[0] == cmds[1].ID
	})
	_, att, _ := st.snapshot()
	if att[cmds[0].ID] < 3 {
		t.Fatalf("attempts of the hanging command: %d, want at least 3", att[cmds[0].ID])
	}
	dead := r.read(t, ctx, r.cfg.Topics.DeadLetters)
	if len(dead) != 1 {
		t.Fatalf("dead letters: %d, want 1", len(dead))
	}
	if o := r.outcomes(t, ctx)[cmds[0].ID]; o.Status != domain.StatusRejected || o.Reason != domain.ReasonUnprocessable {
		t.Fatalf("outcome of the hanging command: %+v", o)
	}
}

// TestUnknownCommandTypeIsAnswered: a command this version cannot decode
// but whose id and actor it can read (a newer gateway's command type during
// a rolling deploy) goes to the dead-letter topic and is answered REJECTED
// UNPROCESSABLE, recorded and published, so nobody waits for it for ever.
// The next command of the partition is applied.
func TestUnknownCommandTypeIsAnswered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 2)
	cmds[0].Type = "CommandFromTheFuture"
	st := newFlakyStore()
	r := startRig(t, ctx, st, consumers.Config{MaxAttempts: 2}, cmds...)
	eventually(t, 30*time.Second, "the unknown command answered and the next applied", func() bool {
		outs := r.outcomes(t, ctx)
		o := outs[cmds[0].ID]
		return o.Status == domain.StatusRejected && o.Reason == domain.ReasonUnprocessable && outs[cmds[1].ID].Status == domain.StatusApplied
	})
	if dead := r.read(t, ctx, r.cfg.Topics.DeadLetters); len(dead) != 1 {
		t.Fatalf("dead letters: %d, want 1", len(dead))
	}
	if _, _, rec := st.snapshot(); rec[cmds[0].ID].Reason != domain.ReasonUnprocessable {
		t.Fatalf("recorded outcome of the unknown command: %+v", rec[cmds[0].ID])
	}
}
