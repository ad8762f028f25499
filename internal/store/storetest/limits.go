package storetest

import (
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// testPerPersonLimits: the store counts a person's interests and follows
// for the decision, so a policy's limits hold (small limits here; the
// production figures are domain.MaxInterestsPerPerson and
// MaxFollowsPerPerson).
func testPerPersonLimits(t *testing.T, s store.GraphStore) {
	pol := domain.Policy{WelcomeCoins: 1, MaxInterests: 2, MaxFollows: 2}
	run := func(typ domain.CommandType, actor string, payload any) domain.Outcome {
		t.Helper()
		cmd, err := domain.NewCommand(typ, actor, payload, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := s.Execute(ctx(t), cmd, pol.Decide)
		if err != nil {
			t.Fatalf("execute %s: %v", typ, err)
		}
		return out
	}
	want := func(what string, out domain.Outcome, status domain.Status, reason string) {
		t.Helper()
		if out.Status != status || out.Reason != reason {
			t.Fatalf("%s: %s %s, want %s %s", what, out.Status, out.Reason, status, reason)
		}
	}
	a, b, c, d := register(t, s, "A"), register(t, s, "B"), register(t, s, "C"), register(t, s, "D")
	i1, i2, i3 := "x "+testsupport.Letters(), "y "+testsupport.Letters(), "z "+testsupport.Letters()
	add := func(name string) domain.Outcome {
		return run(domain.CmdAddInterest, a, domain.InterestPayload{Interest: name})
	}
	want("first interest", add(i1), domain.StatusApplied, "")
	want("second interest", add(i2), domain.StatusApplied, "")
	want("third interest", add(i3), domain.StatusRejected, domain.ReasonLimitReached)
	want("held interest again", add(i1), domain.StatusApplied, "")
	want("remove", run(domain.CmdRemoveInterest, a, domain.InterestPayload{Interest: i1}), domain.StatusApplied, "")
	want("third after a remove", add(i3), domain.StatusApplied, "")

	follow := func(who string) domain.Outcome { return run(domain.CmdFollow, a, domain.FollowPayload{PersonID: who}) }
	want("first follow", follow(b), domain.StatusApplied, "")
	want("second follow", follow(c), domain.StatusApplied, "")
	want("third follow", follow(d), domain.StatusRejected, domain.ReasonLimitReached)
	want("unfollow", run(domain.CmdUnfollow, a, domain.FollowPayload{PersonID: c}), domain.StatusApplied, "")
	want("third after an unfollow", follow(d), domain.StatusApplied, "")
	// Others' follows of a do not count against a.
	want("followed by b", run(domain.CmdFollow, b, domain.FollowPayload{PersonID: a}), domain.StatusApplied, "")
	want("followed by c", run(domain.CmdFollow, c, domain.FollowPayload{PersonID: a}), domain.StatusApplied, "")
}
