package consumers_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/consumers"
	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// capturing keeps what it is asked to publish.
type capturing struct {
	batches [][]bus.Answer
	single  []domain.Outcome
}

func (c *capturing) PublishOutcome(_ context.Context, _ string, out domain.Outcome) error {
	c.single = append(c.single, out)
	return nil
}

func (c *capturing) PublishBatch(_ context.Context, answers []bus.Answer) error {
	c.batches = append(c.batches, answers)
	return nil
}

func (c *capturing) DeadLetter(context.Context, kafka.Message, error) error { return nil }

// A batch's events are sealed as PublishOutcome seals one outcome's: no
// personal field in clear text, each opening to what was decided, and the
// caller's answers left as they were (a retry must not seal twice).
func TestSealingABatchSealsEveryOutcomesEvents(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	var answers []bus.Answer
	for _, email := range []string{"ada@example.com", "bob@example.com"} {
		id := domain.NewID()
		cmd, err := domain.NewCommand(domain.CmdRegisterPerson, id, domain.RegisterPersonPayload{Name: "N", Email: email}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := st.Execute(ctx, cmd, domain.Decide)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, bus.Answer{Actor: id, Outcome: out})
	}
	answers = append(answers, bus.Answer{Actor: domain.NewID(), Outcome: domain.Outcome{CommandID: domain.NewID(), Status: domain.StatusRejected}})
	capture := &capturing{}
	pub := consumers.Sealing(capture, st)
	if err := pub.PublishBatch(ctx, answers); err != nil {
		t.Fatal(err)
	}
	if err := pub.PublishOutcome(ctx, answers[0].Actor, answers[0].Outcome); err != nil {
		t.Fatal(err)
	}
	if len(capture.batches) != 1 || len(capture.batches[0]) != len(answers) {
		t.Fatalf("published %d batches", len(capture.batches))
	}
	for i, got := range capture.batches[0] {
		want := answers[i].Outcome
		if got.Actor != answers[i].Actor || got.Outcome.CommandID != want.CommandID || len(got.Outcome.Events) != len(want.Events) {
			t.Fatalf("answer %d: %+v, want %+v", i, got, answers[i])
		}
		for j, ev := range got.Outcome.Events {
			clear := want.Events[j]
			if bytes.Contains(ev.Data, []byte("@example.com")) {
				t.Fatalf("answer %d event %d published in clear: %s", i, j, ev.Data)
			}
			if !bytes.Contains(clear.Data, []byte("@example.com")) && clear.Type == domain.EvPersonRegistered {
				t.Fatalf("answer %d event %d: the caller's event was sealed in place", i, j)
			}
			opened, err := shred.OpenEvent(ctx, st, ev)
			if err != nil || !bytes.Equal(opened.Data, clear.Data) {
				t.Fatalf("answer %d event %d opens to %s (%v), want %s", i, j, opened.Data, err, clear.Data)
			}
		}
	}
	// PublishOutcome seals the same fields.
	single := capture.single[0].Events
	for j, ev := range capture.batches[0][0].Outcome.Events {
		if bytes.Equal(ev.Data, answers[0].Outcome.Events[j].Data) != bytes.Equal(single[j].Data, answers[0].Outcome.Events[j].Data) {
			t.Fatalf("event %d sealed by one path and not the other", j)
		}
	}
}
