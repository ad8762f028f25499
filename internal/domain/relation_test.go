package domain

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestDecideRelations: block, mute and dismissal decide like follow (a
// repeat changes nothing, self and unknown persons are refused), and a
// block in either direction refuses a follow and a transfer with BLOCKED.
func TestDecideRelations(t *testing.T) {
	a, b, c, ghost := NewID(), NewID(), NewID(), NewID()
	s := fakeState{persons: map[string]bool{a: true, b: true, c: true}, related: map[relKey]bool{
		{a, b, RelBlocks}: true, {a, c, RelMutes}: true,
	}}
	now := time.Now()
	cases := []struct {
		name   string
		typ    CommandType
		actor  string
		pay    any
		status Status
		reason string
		event  EventType
	}{
		{"block", CmdBlock, a, RelationPayload{PersonID: c}, StatusApplied, "", EvBlocked},
		{"block twice", CmdBlock, a, RelationPayload{PersonID: b}, StatusApplied, "", ""},
		{"block self", CmdBlock, a, RelationPayload{PersonID: a}, StatusRejected, ReasonInvalidPayload, ""},
		{"block unknown", CmdBlock, a, RelationPayload{PersonID: ghost}, StatusRejected, ReasonPersonNotFound, ""},
		{"block bad id", CmdBlock, a, RelationPayload{PersonID: "x"}, StatusRejected, ReasonInvalidPayload, ""},
		{"unblock", CmdUnblock, a, RelationPayload{PersonID: b}, StatusApplied, "", EvUnblocked},
		{"unblock not blocked", CmdUnblock, b, RelationPayload{PersonID: a}, StatusApplied, "", ""},
		{"unblock unknown", CmdUnblock, a, RelationPayload{PersonID: ghost}, StatusRejected, ReasonPersonNotFound, ""},
		{"mute", CmdMute, a, RelationPayload{PersonID: b}, StatusApplied, "", EvMuted},
		{"mute twice", CmdMute, a, RelationPayload{PersonID: c}, StatusApplied, "", ""},
		{"mute self", CmdMute, b, RelationPayload{PersonID: b}, StatusRejected, ReasonInvalidPayload, ""},
		{"unmute", CmdUnmute, a, RelationPayload{PersonID: c}, StatusApplied, "", EvUnmuted},
		{"dismiss", CmdDismissRecommendation, b, RelationPayload{PersonID: c}, StatusApplied, "", EvRecommendationDismissed},
		{"dismiss unknown", CmdDismissRecommendation, b, RelationPayload{PersonID: ghost}, StatusRejected, ReasonPersonNotFound, ""},
		{"blocked follows", CmdFollow, b, FollowPayload{PersonID: a}, StatusRejected, ReasonBlocked, ""},
		{"blocker follows", CmdFollow, a, FollowPayload{PersonID: b}, StatusRejected, ReasonBlocked, ""},
		{"blocked unfollows", CmdUnfollow, b, FollowPayload{PersonID: a}, StatusApplied, "", ""},
		{"muted may follow", CmdFollow, c, FollowPayload{PersonID: a}, StatusApplied, "", EvFollowed},
		{"blocked pays", CmdTransferCoins, b, TransferPayload{To: a, Amount: 1}, StatusRejected, ReasonBlocked, ""},
		{"blocker pays", CmdTransferCoins, a, TransferPayload{To: b, Amount: 1}, StatusRejected, ReasonBlocked, ""},
		{"delete account", CmdDeleteAccount, a, struct{}{}, StatusApplied, "", EvAccountDeleted},
		{"delete unknown account", CmdDeleteAccount, ghost, struct{}{}, StatusRejected, ReasonActorNotFound, ""},
	}
	for _, tc := range cases {
		cmd, err := NewCommand(tc.typ, tc.actor, tc.pay, now)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Decide(context.Background(), s, cmd, now)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.Status != tc.status || out.Reason != tc.reason {
			t.Errorf("%s: got %s/%s, want %s/%s", tc.name, out.Status, out.Reason, tc.status, tc.reason)
			continue
		}
		if tc.event == "" && len(out.Events) != 0 || tc.event != "" && (len(out.Events) != 1 || out.Events[0].Type != tc.event) {
			t.Errorf("%s: events %+v, want %q", tc.name, out.Events, tc.event)
			continue
		}
		if tc.event != "" && IsRelationCommand(tc.typ) {
			var d RelationData
			if err := out.Events[0].DecodeData(&d); err != nil || d.PersonID != tc.actor || d.TargetID != tc.pay.(RelationPayload).PersonID {
				t.Errorf("%s: data %+v %v", tc.name, d, err)
			}
		}
	}
	for _, typ := range []CommandType{CmdBlock, CmdUnblock, CmdMute, CmdUnmute, CmdDismissRecommendation} {
		raw := []byte(`{"id":"` + NewID() + `","type":"` + string(typ) + `","actor":"` + a + `","at":"2026-01-01T00:00:00Z","payload":{}}`)
		if _, err := DecodeCommand(raw); err != nil {
			t.Errorf("DecodeCommand refuses %s: %v", typ, err)
		}
	}
}

func TestPairOrdersThePersonsACommandRelates(t *testing.T) {
	a, b := "0190d8a4-0000-7000-8000-00000000000a", "0190d8a4-0000-7000-8000-00000000000b"
	cmd := func(typ CommandType, actor string, payload any) Command {
		c, err := NewCommand(typ, actor, payload, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for name, tc := range map[string]struct {
		cmd  Command
		want []string
	}{
		"follow, actor first":      {cmd(CmdFollow, a, FollowPayload{PersonID: b}), []string{a, b}},
		"follow, actor second":     {cmd(CmdFollow, b, FollowPayload{PersonID: a}), []string{a, b}},
		"transfer":                 {cmd(CmdTransferCoins, b, TransferPayload{To: a, Amount: 1}), []string{a, b}},
		"block":                    {cmd(CmdBlock, b, RelationPayload{PersonID: a}), []string{a, b}},
		"mute relates no one else": {cmd(CmdMute, a, RelationPayload{PersonID: b}), nil},
		"oneself":                  {cmd(CmdFollow, a, FollowPayload{PersonID: a}), nil},
		"interest":                 {cmd(CmdAddInterest, a, InterestPayload{Interest: "go"}), nil},
	} {
		if got := Pair(tc.cmd); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: Pair = %v, want %v", name, got, tc.want)
		}
	}
	bad := cmd(CmdFollow, a, FollowPayload{PersonID: b})
	bad.Payload = []byte(`{"personId": 7}`)
	if got := Pair(bad); got != nil {
		t.Errorf("undecodable payload: Pair = %v, want none", got)
	}
}

func TestTouchesNamesTheNodesACommandLocks(t *testing.T) {
	a, b := "0190d8a4-0000-7000-8000-00000000000a", "0190d8a4-0000-7000-8000-00000000000b"
	follow, _ := NewCommand(CmdFollow, b, FollowPayload{PersonID: a}, time.Now())
	if ps, is := Touches(follow); fmt.Sprint(ps, is) != fmt.Sprint([]string{b, a}, []string(nil)) {
		t.Errorf("follow touches %v %v", ps, is)
	}
	add, _ := NewCommand(CmdAddInterest, a, InterestPayload{Interest: "  Go "}, time.Now())
	want, _ := NormalizeInterest("  Go ")
	if ps, is := Touches(add); fmt.Sprint(ps, is) != fmt.Sprint([]string{a}, []string{want}) {
		t.Errorf("addInterest touches %v %v, want the actor and %q", ps, is, want)
	}
	unfollow, _ := NewCommand(CmdUnfollow, a, FollowPayload{PersonID: b}, time.Now())
	if ps, _ := Touches(unfollow); fmt.Sprint(ps) != fmt.Sprint([]string{a, b}) {
		t.Errorf("unfollow touches %v, want both ends of the edge it removes", ps)
	}
	mark, _ := NewCommand(CmdMarkNotificationsRead, a, MarkReadPayload{UpTo: "x"}, time.Now())
	if ps, is := Touches(mark); fmt.Sprint(ps, is) != fmt.Sprint([]string{a}, []string(nil)) {
		t.Errorf("markNotificationsRead touches %v %v", ps, is)
	}
}
