package consumers_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/consumers"
	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// countingPublisher counts the publishing calls and the answers in them.
type countingPublisher struct {
	consumers.Publisher
	mu       sync.Mutex
	batches  []int // answers per PublishBatch call
	outcomes int   // PublishOutcome calls
}

func (p *countingPublisher) PublishBatch(ctx context.Context, answers []bus.Answer) error {
	p.mu.Lock()
	p.batches = append(p.batches, len(answers))
	p.mu.Unlock()
	return p.Publisher.PublishBatch(ctx, answers)
}

func (p *countingPublisher) PublishOutcome(ctx context.Context, actor string, out domain.Outcome) error {
	p.mu.Lock()
	p.outcomes++
	p.mu.Unlock()
	return p.Publisher.PublishOutcome(ctx, actor, out)
}

func (p *countingPublisher) counts() ([]int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.batches), p.outcomes
}

// committed reads the offset the consumer group committed on partition 0.
func committed(t *testing.T, ctx context.Context, r *rig) int64 {
	t.Helper()
	cl := &kafka.Client{Addr: kafka.TCP(r.cfg.Brokers...)}
	res, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: consumers.GroupID, Topics: map[string][]int{r.cfg.Topics.Commands: {0}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Topics[r.cfg.Topics.Commands] {
		if p.Partition == 0 {
			if p.Error != nil {
				t.Fatal(p.Error)
			}
			return p.CommittedOffset
		}
	}
	t.Fatal("no committed offset for partition 0")
	return 0
}

// Commands waiting in the partition are decided in batches: each batch is
// one transaction and one publishing call, every command gets exactly one
// answer, in order, and the offset after the last is committed.
func TestBatchIsPublishedOnceAndCommittedAfterItsLast(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 40)
	st := newFlakyStore()
	pub := &countingPublisher{}
	wrap := func(p consumers.Publisher) consumers.Publisher { pub.Publisher = p; return pub }
	r := startRigWith(t, ctx, st, consumers.Config{}, rigOptions{wrap: wrap}, cmds...)
	eventually(t, 30*time.Second, "every command applied", func() bool {
		applied, _, _ := st.snapshot()
		return len(applied) == len(cmds)
	})
	eventually(t, 30*time.Second, "the offset after the last command committed", func() bool {
		return committed(t, ctx, r) == int64(len(cmds))
	})
	r.stop()
	batches, singles := pub.counts()
	answered := singles
	for _, n := range batches {
		answered += n
	}
	if answered != len(cmds) {
		t.Fatalf("%d answers published (batches %v, %d alone), want %d", answered, batches, singles, len(cmds))
	}
	if len(batches) == 0 || slices.Max(batches) < 2 {
		t.Fatalf("no batch of several commands formed: batches %v, %d alone", batches, singles)
	}
	var executed []int
	for _, ids := range st.executedBatches() {
		executed = append(executed, len(ids))
	}
	if !slices.Equal(executed, batches) {
		t.Fatalf("batches executed %v, published %v: want one publishing call per transaction", executed, batches)
	}
	applied, att, _ := st.snapshot()
	for i, c := range cmds {
		if applied[i] != c.ID || att[c.ID] != 1 {
			t.Fatalf("command %d: applied %s (want %s), %d attempts", i, applied[i], c.ID, att[c.ID])
		}
	}
	var order []string
	for _, m := range r.read(t, ctx, r.cfg.Topics.Outcomes) {
		var o domain.Outcome
		if err := json.Unmarshal(m.Value, &o); err != nil {
			t.Fatal(err)
		}
		order = append(order, o.CommandID)
	}
	want := make([]string, len(cmds))
	for i, c := range cmds {
		want[i] = c.ID
	}
	if !slices.Equal(order, want) {
		t.Fatalf("outcomes published %d, out of order or repeated", len(order))
	}
	if events := r.read(t, ctx, r.cfg.Topics.Events); len(events) != len(cmds) {
		t.Fatalf("%d events, want %d", len(events), len(cmds))
	}
}

// A command that fails in a batch does not sink it: the batch is handled
// one by one, where the poison command is retried and dead-lettered with
// its reason and every other command is applied, in order.
func TestPoisonInABatchFallsBackToOneByOne(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 6)
	poison := cmds[3]
	st := newFlakyStore()
	st.failing[poison.ID] = true
	r := startRig(t, ctx, st, consumers.Config{MaxAttempts: 2}, cmds...)
	eventually(t, 30*time.Second, "the other commands applied", func() bool {
		applied, _, _ := st.snapshot()
		return len(applied) == len(cmds)-1
	})
	eventually(t, 30*time.Second, "an answer for every command", func() bool {
		return len(r.outcomes(t, ctx)) == len(cmds)
	})
	r.stop()
	applied, att, rec := st.snapshot()
	var want []string
	for _, c := range cmds {
		if c.ID != poison.ID {
			want = append(want, c.ID)
		}
	}
	if !slices.Equal(applied, want) {
		t.Fatalf("applied %v, want every command but the poison one, in order", applied)
	}
	if batches := st.executedBatches(); len(batches) == 0 || len(batches[0]) < 2 {
		t.Fatalf("no batch formed: %v", batches)
	}
	if att[poison.ID] < 2 {
		t.Fatalf("poison attempts %d, want at least MaxAttempts", att[poison.ID])
	}
	dead := r.read(t, ctx, r.cfg.Topics.DeadLetters)
	if len(dead) != 1 {
		t.Fatalf("dead letters: %d, want 1", len(dead))
	}
	if got, _ := domain.DecodeCommand(dead[0].Value); got.ID != poison.ID {
		t.Fatalf("dead letter is %s, want %s", got.ID, poison.ID)
	}
	if reason := header(dead[0], "dlq-reason"); reason == "" {
		t.Fatal("dead letter without its reason")
	}
	outs := r.outcomes(t, ctx)
	for _, c := range cmds {
		o := outs[c.ID]
		if c.ID == poison.ID {
			if o.Status != domain.StatusRejected || o.Reason != domain.ReasonUnprocessable || rec[c.ID].Reason != domain.ReasonUnprocessable {
				t.Fatalf("poison outcome: published %+v, recorded %+v", o, rec[c.ID])
			}
		} else if o.Status != domain.StatusApplied {
			t.Fatalf("outcome of %s: %+v", c.ID, o)
		}
	}
}

// A malformed message cuts the batch: the commands before it go as one
// batch, it goes to the dead-letter topic alone, and those after it are
// decided after it.
func TestMalformedMessageCutsTheBatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmds := newCommands(t, 6)
	st := newFlakyStore()
	var raw []kafka.Message
	for i, c := range cmds {
		v, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, kafka.Message{Key: []byte(c.Actor), Value: v})
		if i == 2 {
			raw = append(raw, kafka.Message{Key: []byte(c.Actor), Value: []byte("not a command")})
		}
	}
	r := startRigWith(t, ctx, st, consumers.Config{}, rigOptions{raw: raw})
	eventually(t, 30*time.Second, "every command applied", func() bool {
		applied, _, _ := st.snapshot()
		return len(applied) == len(cmds)
	})
	r.stop()
	applied, _, _ := st.snapshot()
	for i, c := range cmds {
		if applied[i] != c.ID {
			t.Fatalf("applied out of order: %v", applied)
		}
	}
	if dead := r.read(t, ctx, r.cfg.Topics.DeadLetters); len(dead) != 1 || string(dead[0].Value) != "not a command" {
		t.Fatalf("dead letters: %d, want the malformed message", len(dead))
	}
	before := map[string]bool{cmds[0].ID: true, cmds[1].ID: true, cmds[2].ID: true}
	for _, ids := range st.executedBatches() {
		if before[ids[0]] != before[ids[len(ids)-1]] {
			t.Fatalf("a batch reached across the malformed message: %v", ids)
		}
	}
	if batches := st.executedBatches(); len(batches) == 0 || len(batches[0]) < 2 {
		t.Fatalf("no batch formed: %v", batches)
	}
}

func header(m kafka.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
