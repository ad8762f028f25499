package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// A batch's decisions and its end state are those of its commands applied
// one by one, whatever the store folds together: these cases each write an
// edge, a balance or a limit twice in one batch.
var batchRunTests = map[string]func(*testing.T, store.GraphStore){
	"BatchRegisterThenSpend":       testBatchRegisterThenSpend,
	"BatchEdgesEndAsOneByOne":      testBatchEdgesEndAsOneByOne,
	"BatchLimitsCountEarlierOnes":  testBatchLimitsCountEarlierOnes,
	"BatchRareCommandsInBetween":   testBatchRareCommandsInBetween,
	"BatchNotifiesOnlyWhatApplied": testBatchNotifiesOnlyWhatApplied,
}

func statuses(done []store.Executed) []string {
	out := make([]string, len(done))
	for i, d := range done {
		out[i] = string(d.Outcome.Status) + " " + d.Outcome.Reason
	}
	return out
}

func wantStatuses(t *testing.T, done []store.Executed, want ...string) {
	t.Helper()
	if got := statuses(done); !slices.Equal(got, want) {
		t.Fatalf("outcomes %q, want %q", got, want)
	}
}

// A person registered in a batch holds the welcome grant for a transfer
// later in the same batch, and can be followed by it.
func testBatchRegisterThenSpend(t *testing.T, s store.GraphStore) {
	b := register(t, s, "B")
	a := domain.NewID()
	done := execBatch(t, s,
		command(t, domain.CmdRegisterPerson, a, domain.RegisterPersonPayload{Name: "A", Email: domain.NewID() + "@example.com"}),
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 70}),
		command(t, domain.CmdFollow, b, domain.FollowPayload{PersonID: a}),
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 31}))
	wantStatuses(t, done, "APPLIED ", "APPLIED ", "APPLIED ", "REJECTED "+domain.ReasonInsufficientFunds)
	if ga, gb := balance(t, s, a), balance(t, s, b); ga != 30 || gb != 170 {
		t.Fatalf("balances %d %d, want 30 170", ga, gb)
	}
	if got := person(t, s, a).FollowerCount; got != 1 {
		t.Fatalf("follower count of the new person = %d, want 1", got)
	}
}

// Edges removed and added again in one batch, and added then removed,
// end as one by one, and a recreated edge dates from its last addition.
func testBatchEdgesEndAsOneByOne(t *testing.T, s store.GraphStore) {
	a, b, c := register(t, s, "A"), register(t, s, "B"), register(t, s, "C")
	follow(t, s, a, b)
	old, fresh := "old "+domain.NewID(), "fresh "+domain.NewID()
	addInterest(t, s, a, old)
	done := execBatch(t, s,
		command(t, domain.CmdUnfollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: c}),
		command(t, domain.CmdUnfollow, a, domain.FollowPayload{PersonID: c}),
		command(t, domain.CmdRemoveInterest, a, domain.InterestPayload{Interest: old}),
		command(t, domain.CmdAddInterest, a, domain.InterestPayload{Interest: fresh}),
		command(t, domain.CmdRemoveInterest, a, domain.InterestPayload{Interest: fresh}),
		command(t, domain.CmdAddInterest, a, domain.InterestPayload{Interest: fresh}),
		command(t, domain.CmdAddInterest, a, domain.InterestPayload{Interest: fresh})) // holds it: no change
	for i, d := range done {
		wantEvents := 1
		if i == len(done)-1 {
			wantEvents = 0
		}
		if d.Outcome.Status != domain.StatusApplied || len(d.Outcome.Events) != wantEvents {
			t.Fatalf("command %d: %+v", i, d.Outcome)
		}
	}
	snap, err := s.Snapshot(ctx(t), []string{a})
	if err != nil || len(snap.Persons) != 1 {
		t.Fatalf("snapshot: %+v %v", snap, err)
	}
	p := snap.Persons[0]
	refollowed := done[1].Outcome.Events[0].At
	if len(p.Follows) != 1 || p.Follows[0].To != b || p.Follows[0].Since.Sub(refollowed).Abs() > time.Microsecond {
		t.Fatalf("follows after unfollow, follow again, follow and unfollow: %+v, want one to %s since %v", p.Follows, b, refollowed)
	}
	readded := done[7].Outcome.Events[0].At
	if len(p.Interests) != 1 || p.Interests[0].To != fresh || p.Interests[0].Since.Sub(readded).Abs() > time.Microsecond {
		t.Fatalf("interests after remove old, add, remove, add fresh: %+v, want %q since %v", p.Interests, fresh, readded)
	}
	if !readded.After(done[5].Outcome.Events[0].At) {
		t.Fatalf("the commands of one batch share a time: %v, %v", done[5].Outcome.Events[0].At, readded)
	}
	if pa := person(t, s, a); pa.FollowingCount != 1 {
		t.Fatalf("following count %d, want 1", pa.FollowingCount)
	}
}

// The per-person limits count what earlier commands of the batch added
// and removed.
func testBatchLimitsCountEarlierOnes(t *testing.T, s store.GraphStore) {
	a, b, c, d := register(t, s, "A"), register(t, s, "B"), register(t, s, "C"), register(t, s, "D")
	pol := domain.Policy{WelcomeCoins: 100, MaxFollows: 2, MaxInterests: 1}
	one := "one " + domain.NewID()
	cmds := []domain.Command{
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: c}),
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: d}), // at the limit
		command(t, domain.CmdUnfollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: d}), // room again
		command(t, domain.CmdAddInterest, a, domain.InterestPayload{Interest: one}),
		command(t, domain.CmdAddInterest, a, domain.InterestPayload{Interest: "two " + domain.NewID()}),
		command(t, domain.CmdRemoveInterest, a, domain.InterestPayload{Interest: one}),
		command(t, domain.CmdAddInterest, a, domain.InterestPayload{Interest: "three " + domain.NewID()}), // room again
	}
	done, err := s.ExecuteBatch(ctx(t), cmds, pol.Decide)
	if err != nil {
		t.Fatal(err)
	}
	limit := "REJECTED " + domain.ReasonLimitReached
	wantStatuses(t, done, "APPLIED ", "APPLIED ", limit, "APPLIED ", "APPLIED ", "APPLIED ", limit, "APPLIED ", "APPLIED ")
	if got := person(t, s, a).FollowingCount; got != 2 {
		t.Fatalf("following count %d, want 2", got)
	}
}

// Commands decided alone (a block, a profile update) between the common
// ones see the writes before them, and the ones after see theirs.
func testBatchRareCommandsInBetween(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	// A batch that begins with a rare command locks before it.
	pre := execBatch(t, s, command(t, domain.CmdMute, b, domain.RelationPayload{PersonID: a}),
		command(t, domain.CmdUnmute, b, domain.RelationPayload{PersonID: a}))
	wantStatuses(t, pre, "APPLIED ", "APPLIED ")
	first := command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b})
	done := execBatch(t, s,
		first,
		command(t, domain.CmdBlock, b, domain.RelationPayload{PersonID: a}),
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 5}),
		first, // redelivered after the block: replayed, not decided again
		command(t, domain.CmdUnblock, b, domain.RelationPayload{PersonID: a}),
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b}))
	blocked := "REJECTED " + domain.ReasonBlocked
	wantStatuses(t, done, "APPLIED ", "APPLIED ", blocked, blocked, "APPLIED ", "APPLIED ", "APPLIED ")
	if !done[4].Replayed || len(done[4].Outcome.Events) != 1 || len(done[6].Outcome.Events) != 1 {
		t.Fatalf("the redelivered follow %+v (replayed %v), the follow after the unblock %+v", done[4].Outcome, done[4].Replayed, done[6].Outcome)
	}
	if got := person(t, s, b).FollowerCount; got != 1 {
		t.Fatalf("follower count %d, want 1 (the block removed the first follow, the last one holds)", got)
	}
	if ga := balance(t, s, a); ga != 100 {
		t.Fatalf("balance %d, want 100", ga)
	}
}

// Notifications are stored for the follows and transfers the batch
// applied, and none for a transfer the guard refused.
func testBatchNotifiesOnlyWhatApplied(t *testing.T, s store.GraphStore) {
	a, b := register(t, s, "A"), register(t, s, "B")
	done := execBatch(t, s,
		command(t, domain.CmdFollow, a, domain.FollowPayload{PersonID: b}),
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 80}),
		command(t, domain.CmdTransferCoins, a, domain.TransferPayload{To: b, Amount: 80}))
	wantStatuses(t, done, "APPLIED ", "APPLIED ", "REJECTED "+domain.ReasonInsufficientFunds)
	if got := unread(t, s, b); got != 2 {
		t.Fatalf("unread notifications %d (%v), want 2", got, kinds(inbox(t, s, b, store.NotificationQuery{})))
	}
	if got := unread(t, s, a); got != 0 {
		t.Fatalf("the sender has %d notifications", got)
	}
	rec, _, found, err := s.CommandOutcome(ctx(t), done[2].Outcome.CommandID)
	if err != nil || !found || rec.Status != domain.StatusRejected || rec.Reason != domain.ReasonInsufficientFunds || len(rec.Events) != 0 {
		t.Fatalf("recorded outcome of the refused transfer: %+v found=%v err=%v", rec, found, err)
	}
	if ga, gb := balance(t, s, a), balance(t, s, b); ga != 20 || gb != 180 {
		t.Fatalf("balances %d %d, want 20 180", ga, gb)
	}
}
