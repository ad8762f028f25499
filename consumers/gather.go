package consumers

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Bounds of a batch. A batch is decided in one transaction and published
// in one write of events and one of outcomes, so a burst of commands pays
// one BEGIN/COMMIT and two produce round trips instead of those of each
// command; the bounds keep a transaction and its writes of a sane size.
const (
	// 100 commands are decided in well under a second on an idle store,
	// and keep a batch's attempt (AttemptTimeout plus perCommandTime
	// each) far from its bound on a loaded one; larger batches gained
	// little in the drain benchmark and made every timeout costlier.
	maxBatchCommands = 100
	maxBatchBytes    = 1 << 20 // of command values
	// gatherWait is how long the worker waits for one more message once
	// it has one: enough to take what the reader holds (it hands buffered
	// messages over a channel), too short to be a linger. A live deadline,
	// not an expired one: on an expired context FetchMessage picks at
	// random between the deadline and a buffered message (PITFALLS).
	gatherWait = 150 * time.Microsecond
	// maxGather bounds the whole gathering. Messages that come closer
	// together than gatherWait come faster than one transaction each
	// could decide them (a commit alone takes longer), so waiting for
	// them costs the first command nothing it would not have waited in
	// the queue; the bound only caps a pathological trickle.
	maxGather = 20 * time.Millisecond
)

// fetcher is what gathering needs of a kafka.Reader.
type fetcher interface {
	FetchMessage(ctx context.Context) (kafka.Message, error)
}

// fetched is a run of messages taken from one partition, in offset order:
// msgs with their decoded commands, then at most one message that does
// not decode (bad), which ends the run. A message taken from the reader
// cannot be put back, so the malformed one is kept and handled alone.
type fetched struct {
	msgs []kafka.Message
	cmds []domain.Command
	bad  *kafka.Message
}

// gather takes first and then the messages the reader already holds,
// until none comes within gatherWait, the batch holds limit commands (at
// most maxBatchCommands) or maxBatchBytes, gathering has taken within
// (maxGather in the consumer), or a message does not decode. It never
// waits for the broker.
func gather(gctx context.Context, r fetcher, first kafka.Message, limit int, within time.Duration) fetched {
	limit = min(max(limit, 1), maxBatchCommands)
	var f fetched
	if !f.add(first) {
		return f
	}
	start, size := time.Now(), len(first.Value)
	for len(f.msgs) < limit && size < maxBatchBytes && time.Since(start) < within {
		fctx, cancel := context.WithTimeout(gctx, gatherWait)
		m, err := r.FetchMessage(fctx)
		cancel()
		if err != nil {
			break // nothing buffered, or the generation ended
		}
		size += len(m.Value)
		if !f.add(m) {
			break
		}
	}
	return f
}

// add appends m and reports whether it decoded (else it becomes bad).
func (f *fetched) add(m kafka.Message) bool {
	cmd, err := domain.DecodeCommand(m.Value)
	if err != nil {
		f.bad = &m
		return false
	}
	f.msgs, f.cmds = append(f.msgs, m), append(f.cmds, cmd)
	return true
}
