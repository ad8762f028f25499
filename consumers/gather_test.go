package consumers

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// heldMessages hands over what it holds at once and, once empty, waits
// for the deadline like a kafka.Reader with nothing buffered.
type heldMessages struct{ held []kafka.Message }

func (h *heldMessages) FetchMessage(ctx context.Context) (kafka.Message, error) {
	if len(h.held) == 0 {
		<-ctx.Done()
		return kafka.Message{}, ctx.Err()
	}
	m := h.held[0]
	h.held = h.held[1:]
	return m, nil
}

func commandMessages(t *testing.T, n, pad int) []kafka.Message {
	t.Helper()
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		c, err := domain.NewCommand(domain.CmdAddInterest, domain.NewID(), domain.InterestPayload{Interest: "go"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(struct {
			domain.Command
			Pad []byte `json:"pad,omitempty"`
		}{c, make([]byte, pad)})
		if err != nil {
			t.Fatal(err)
		}
		msgs[i] = kafka.Message{Offset: int64(i), Value: raw}
	}
	return msgs
}

func TestGatherTakesWhatIsHeldUpToTheBounds(t *testing.T) {
	ctx := context.Background()
	msgs := commandMessages(t, maxBatchCommands+20, 0)
	r := &heldMessages{held: msgs[1:]}
	f := gather(ctx, r, msgs[0], maxBatchCommands, time.Minute) // the count bound, not the time one, under -race
	if len(f.msgs) != maxBatchCommands || len(f.cmds) != maxBatchCommands || f.bad != nil {
		t.Fatalf("gathered %d (%d commands, bad %v), want %d", len(f.msgs), len(f.cmds), f.bad != nil, maxBatchCommands)
	}
	for i, m := range f.msgs {
		if m.Offset != int64(i) {
			t.Fatalf("message %d has offset %d", i, m.Offset)
		}
	}
	if len(r.held) != 20 {
		t.Fatalf("%d left held, want 20", len(r.held))
	}
	// Nothing held: the first alone, without waiting for the broker.
	start := time.Now()
	if f := gather(ctx, &heldMessages{}, msgs[0], maxBatchCommands, maxGather); len(f.msgs) != 1 || time.Since(start) > time.Second {
		t.Fatalf("alone: %d messages after %s", len(f.msgs), time.Since(start))
	}
	// The byte bound: 40 KiB commands fill 1 MiB after 26 of them.
	big := commandMessages(t, 40, 40<<10)
	f = gather(ctx, &heldMessages{held: big[1:]}, big[0], maxBatchCommands, time.Minute)
	size := 0
	for _, m := range f.msgs[:len(f.msgs)-1] {
		size += len(m.Value)
	}
	if size >= maxBatchBytes || len(f.msgs) >= 40 {
		t.Fatalf("gathered %d messages, %d bytes before the last", len(f.msgs), size)
	}
}

func TestGatherStopsAtAMalformedMessage(t *testing.T) {
	ctx := context.Background()
	msgs := commandMessages(t, 5, 0)
	msgs[2].Value = []byte("{")
	r := &heldMessages{held: msgs[1:]}
	f := gather(ctx, r, msgs[0], maxBatchCommands, time.Minute)
	if len(f.msgs) != 2 || f.bad == nil || f.bad.Offset != 2 || len(r.held) != 2 {
		t.Fatalf("gathered %d, bad %v, %d left; want 2, the third, 2", len(f.msgs), f.bad, len(r.held))
	}
	f = gather(ctx, &heldMessages{held: msgs[3:]}, msgs[2], maxBatchCommands, time.Minute)
	if len(f.msgs) != 0 || f.bad == nil || f.bad.Offset != 2 {
		t.Fatalf("malformed first: %d gathered, bad %v", len(f.msgs), f.bad)
	}
}

// TestGatherStopsAtTheWorkersLimit: after a batch fell back, the worker
// asks for fewer; the rest stays held for the next batch.
func TestGatherStopsAtTheWorkersLimit(t *testing.T) {
	msgs := commandMessages(t, 10, 0)
	r := &heldMessages{held: msgs[1:]}
	if f := gather(context.Background(), r, msgs[0], 3, time.Minute); len(f.msgs) != 3 || len(r.held) != 7 {
		t.Fatalf("gathered %d with %d left held, want 3 and 7", len(f.msgs), len(r.held))
	}
	if f := gather(context.Background(), r, msgs[3], 0, time.Minute); len(f.msgs) != 1 {
		t.Fatalf("a limit below one gathered %d, want the first alone", len(f.msgs))
	}
}
