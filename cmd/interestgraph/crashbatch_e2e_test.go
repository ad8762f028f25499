package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestConsumerCrashPointsInBatches is TestConsumerCrashPoints with the
// commands after the registrations sent all at once, so that the consumer
// decides them in batches of many commands and the kill lands inside one:
// after the restart the whole batch is redelivered, each of its commands
// recognised by its record and its outcome republished, so nothing is
// lost or applied twice.
func TestConsumerCrashPointsInBatches(t *testing.T) {
	bin := buildBinary(t)
	for _, point := range []string{"after-decide", "after-events", "after-outcome", "before-commit"} {
		t.Run(point, func(t *testing.T) {
			t.Parallel()
			testCrashInBatch(t, bin, point)
		})
	}
}

// batchRounds of transfers and interests (follows in the first three),
// sent at once; the kill comes with the batch holding the batchCrashAt-th
// command after the registrations.
const batchRounds, batchCrashAt = 20, 60

var crashedBatch = regexp.MustCompile(`killed at \S+ with a batch of (\d+) commands`)

func testCrashInBatch(t *testing.T, bin, point string) {
	var stderr bytes.Buffer
	run := startCrashRun(t, bin, point, batchCrashAt, 4*time.Minute, &stderr)
	rs, cp, ctx, ids, cmds, w, balances := run.rs, run.cp, run.ctx, run.ids, run.cmds, run.w, run.balances
	tag := testsupport.Letters()
	var burst []domain.Command
	for r := range batchRounds {
		for i, id := range ids {
			// Person i sends i+1 a round: at most 80 over 20 rounds, so no
			// order of the partitions overdraws anyone.
			to, amount := ids[(i+1)%crashPersons], int64(i+1)
			tr, _ := domain.NewCommand(domain.CmdTransferCoins, id, domain.TransferPayload{To: to, Amount: amount}, time.Now())
			in, _ := domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: fmt.Sprintf("%s %d", tag, r)}, time.Now())
			burst = append(burst, tr, in)
			balances[id] -= amount
			balances[to] += amount
			w.apply(id, "addInterest", fmt.Sprintf("%s %d", tag, r), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
			if other := ids[(i+1+r)%crashPersons]; r < crashPersons-1 {
				fo, _ := domain.NewCommand(domain.CmdFollow, id, domain.FollowPayload{PersonID: other}, time.Now())
				burst = append(burst, fo)
				w.apply(id, "follow", other, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
			}
		}
	}
	cmds = append(cmds, burst...)
	send(t, ctx, rs, burst...)
	waitKilled(t, cp, point)
	m := crashedBatch.FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("the consumer did not say where it was killed: %q", stderr.String())
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 {
		t.Fatalf("killed at %s with a batch of %d commands: the kill did not land inside a batch", point, n)
	}
	t.Logf("killed at %s with a batch of %s commands", point, m[1])
	run.restart(t)
	eventually(t, 3*time.Minute, "every command decided and answered", func() bool { return allAnswered(t, ctx, rs, cmds) })

	snap, err := rs.store.Snapshot(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{}
	for _, id := range ids {
		sent[id] = batchRounds
	}
	w.check(t, point, snap, balances, sent)
	checkLedgerRecords(t, ctx, rs.store, ids, 1+2*batchRounds)
	checkEventsAndOutcomes(t, rs, cmds)
}
