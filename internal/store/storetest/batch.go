package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

var batchTests = map[string]func(*testing.T, store.GraphStore){
	"BatchSeesItsOwnWrites":       testBatchSeesItsOwnWrites,
	"BatchRepeatedCommandReplays": testBatchRepeatedCommandReplays,
	"BatchTransfersNeverOverdraw": testBatchTransfersNeverOverdraw,
	"BatchFailingCommandReported": testBatchFailingCommandReported,
}

func command(t *testing.T, typ domain.CommandType, actor string, payload any) domain.Command {
	t.Helper()
	cmd, err := domain.NewCommand(typ, actor, payload, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

func execBatch(t *testing.T, s store.GraphStore, cmds ...domain.Command) []store.Executed {
	t.Helper()
	done, err := s.ExecuteBatch(ctx(t), cmds, domain.Decide)
	if err != nil {
		t.Fatalf("execute batch: %v", err)
	}
	if len(done) != len(cmds) {
		t.Fatalf("batch of %d answered %d", len(cmds), len(done))
	}
	return done
}

// A follow then an unfollow of one pair in one batch end unfollowed: the
// unfollow is decided against the follow before it.
func testBatchSeesItsOwnWrites(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	done := execBatch(t, s,
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdUnfollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdFollow, b, domain.FollowPayload{PersonID: a}))
	for i, d := range done {
		if d.Outcome.Status != domain.StatusApplied || d.Replayed || len(d.Outcome.Events) != 1 {
			t.Fatalf("command %d: %+v replayed=%v", i, d.Outcome, d.Replayed)
		}
	}
	if pa, pb := person(t, s, a), person(t, s, b); pa.FollowingCount != 0 || pb.FollowerCount != 0 || pb.FollowingCount != 1 || pa.FollowerCount != 1 {
		t.Fatalf("after follow, unfollow, follow back: a %+v, b %+v", pa, pb)
	}
	for i, d := range done {
		rec, _, found, err := s.CommandOutcome(ctx(t), d.Outcome.CommandID)
		if err != nil || !found || rec.Status != domain.StatusApplied {
			t.Fatalf("recorded outcome of command %d: %+v found=%v err=%v", i, rec, found, err)
		}
	}
}

// A command id that comes twice in one batch (a redelivery joined to the
// first delivery) is decided once; the second answers the same outcome,
// replayed.
func testBatchRepeatedCommandReplays(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	follow := command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
	grant := command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 10})
	done := execBatch(t, s, follow, grant, follow, grant)
	if done[0].Replayed || done[1].Replayed || !done[2].Replayed || !done[3].Replayed {
		t.Fatalf("replayed flags: %v %v %v %v", done[0].Replayed, done[1].Replayed, done[2].Replayed, done[3].Replayed)
	}
	for i := range 2 {
		first, again := done[i].Outcome, done[i+2].Outcome
		if first.Status != domain.StatusApplied || again.Status != first.Status || len(again.Events) != len(first.Events) || again.Events[0].ID != first.Events[0].ID {
			t.Fatalf("command %d: first %+v, again %+v", i, first, again)
		}
	}
	if got := person(t, s, b).FollowerCount; got != 1 {
		t.Fatalf("follower count = %d, want 1", got)
	}
	if ga, gb := balance(t, s, a), balance(t, s, b); ga != 90 || gb != 110 {
		t.Fatalf("balances %d %d, want 90 110", ga, gb)
	}
	// And a later delivery, alone, is replayed too.
	if out, replayed, err := s.Execute(ctx(t), grant, domain.Decide); err != nil || !replayed || out.Status != domain.StatusApplied {
		t.Fatalf("redelivery after the batch: %+v %v %v", out, replayed, err)
	}
}

// Transfers of one batch observe each other: each is guarded by the
// balance the ones before it left, so none overdraws.
func testBatchTransfersNeverOverdraw(t *testing.T, s store.GraphStore) {
	a, b, c := register(t, s, "A"), register(t, s, "B"), register(t, s, "C")
	done := execBatch(t, s,
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 60}),
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: c, Amount: 60}),  // 40 left: refused
		command(t, domain.CmdTransferCoins, b, domain.TransferPayload{To: a, Amount: 150}), // b has 160 now
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: c, Amount: 190}), // a has 190 now
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: c, Amount: 1}))
	want := []domain.Status{domain.StatusApplied, domain.StatusRejected, domain.StatusApplied, domain.StatusApplied, domain.StatusRejected}
	for i, d := range done {
		if d.Outcome.Status != want[i] {
			t.Fatalf("transfer %d: %+v, want %s", i, d.Outcome, want[i])
		}
		if d.Outcome.Status == domain.StatusRejected && (d.Outcome.Reason != domain.ReasonInsufficientFunds || len(d.Outcome.Events) != 0) {
			t.Fatalf("refused transfer %d: %+v", i, d.Outcome)
		}
	}
	if ga, gb, gc := balance(t, s, a), balance(t, s, b), balance(t, s, c); ga != 0 || gb != 10 || gc != 290 {
		t.Fatalf("balances %d %d %d, want 0 10 290", ga, gb, gc)
	}
}

// A command whose decision fails makes the batch fail with a BatchError
// naming it, and leaves no record of it; the others, executed again one by
// one (as the consumer falls back to), each end with exactly one effect,
// whether the batch had kept them (memory) or rolled them back (Neo4j).
func testBatchFailingCommandReported(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	first := command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 10})
	poison := command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
	last := command(t, domain.CmdAddInterest, a, domain.InterestPayload{Interest: "batch " + domain.NewID()})
	boom := errors.New("boom")
	decide := func(ctx context.Context, st domain.State, cmd domain.Command, now time.Time) (domain.Outcome, error) {
		if cmd.ID == poison.ID {
			return domain.Outcome{}, boom
		}
		return domain.Decide(ctx, st, cmd, now)
	}
	_, err := s.ExecuteBatch(ctx(t), []domain.Command{first, poison, last}, decide)
	var be *store.BatchError
	if !errors.As(err, &be) || be.Index != 1 || be.CommandID != poison.ID || !errors.Is(err, boom) {
		t.Fatalf("batch with a failing command: %v, want a BatchError for command 1 wrapping its cause", err)
	}
	if errors.Is(err, store.ErrTransient) {
		t.Fatalf("a command's failure reported as the store's: %v", err)
	}
	if _, _, found, err := s.CommandOutcome(ctx(t), poison.ID); err != nil || found {
		t.Fatalf("the failing command left a record: found=%v err=%v", found, err)
	}
	if _, _, found, err := s.CommandOutcome(ctx(t), last.ID); err != nil || found {
		t.Fatalf("a command after the failing one was recorded: found=%v err=%v", found, err)
	}
	for _, cmd := range []domain.Command{first, poison, last} {
		if out, _, err := s.Execute(ctx(t), cmd, domain.Decide); err != nil || out.Status != domain.StatusApplied {
			t.Fatalf("%s one by one: %+v %v", cmd.Type, out, err)
		}
	}
	if ga, gb := balance(t, s, a), balance(t, s, b); ga != 90 || gb != 110 {
		t.Fatalf("balances %d %d, want 90 110", ga, gb)
	}
	if got := person(t, s, b).FollowerCount; got != 1 {
		t.Fatalf("follower count = %d, want 1", got)
	}
}
