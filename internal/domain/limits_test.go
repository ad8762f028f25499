package domain

import (
	"context"
	"testing"
	"time"
)

// countingState has a person with n interests and n follows.
type countingState struct {
	fakeState
	n int
}

func (c countingState) InterestCount(context.Context, string) (int, error)  { return c.n, nil }
func (c countingState) FollowingCount(context.Context, string) (int, error) { return c.n, nil }

// TestPerPersonLimits: the 1,001st interest and the 10,001st follow are
// REJECTED with LIMIT_REACHED; at the limit, what changes nothing or
// shrinks the graph is still applied.
func TestPerPersonLimits(t *testing.T) {
	a, b := NewID(), NewID()
	base := fakeState{persons: map[string]bool{a: true, b: true},
		follows: map[[2]string]bool{{a, b}: true}, interests: map[[2]string]bool{{a, "go"}: true}}
	cases := []struct {
		name   string
		n      int
		typ    CommandType
		pay    any
		status Status
		reason string
	}{
		{"interest below", MaxInterestsPerPerson - 1, CmdAddInterest, InterestPayload{Interest: "chess"}, StatusApplied, ""},
		{"interest at limit", MaxInterestsPerPerson, CmdAddInterest, InterestPayload{Interest: "chess"}, StatusRejected, ReasonLimitReached},
		{"held interest at limit", MaxInterestsPerPerson, CmdAddInterest, InterestPayload{Interest: "go"}, StatusApplied, ""},
		{"remove at limit", MaxInterestsPerPerson, CmdRemoveInterest, InterestPayload{Interest: "go"}, StatusApplied, ""},
		{"follow below", MaxFollowsPerPerson - 1, CmdFollow, FollowPayload{PersonID: NewID()}, StatusApplied, ""},
		{"follow at limit", MaxFollowsPerPerson, CmdFollow, FollowPayload{PersonID: NewID()}, StatusRejected, ReasonLimitReached},
		{"held follow at limit", MaxFollowsPerPerson, CmdFollow, FollowPayload{PersonID: b}, StatusApplied, ""},
		{"unfollow at limit", MaxFollowsPerPerson, CmdUnfollow, FollowPayload{PersonID: b}, StatusApplied, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := countingState{fakeState: base, n: c.n}
			if p, ok := c.pay.(FollowPayload); ok {
				st.persons = map[string]bool{a: true, b: true, p.PersonID: true}
			}
			cmd, err := NewCommand(c.typ, a, c.pay, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			out, err := Decide(context.Background(), st, cmd, time.Now())
			if err != nil || out.Status != c.status || out.Reason != c.reason {
				t.Fatalf("got %s %s (%v), want %s %s", out.Status, out.Reason, err, c.status, c.reason)
			}
		})
	}
}
