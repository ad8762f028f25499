package domain

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNormalizeInterest(t *testing.T) {
	ok := map[string]string{
		"  Go  ":                "go",
		"Graph   Databases":     "graph databases",
		"sci-fi":                "sci-fi",
		"Ünïcode Läuft":         "ünïcode läuft",
		strings.Repeat("a", 64): strings.Repeat("a", 64),
	}
	for in, want := range ok {
		got, err := NormalizeInterest(in)
		if err != nil || got != want {
			t.Errorf("NormalizeInterest(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "   ", strings.Repeat("a", 65), "go!", "a/b", "<script>", "tab\x00null"} {
		if _, err := NormalizeInterest(bad); KindOf(err) != KindInvalid {
			t.Errorf("NormalizeInterest(%q) accepted or wrong kind: %v", bad, err)
		}
	}
}

func TestNormalizeEmailAndPassword(t *testing.T) {
	if e, err := NormalizeEmail("  Ann@Example.COM "); err != nil || e != "ann@example.com" {
		t.Errorf("email: %q %v", e, err)
	}
	for _, bad := range []string{"", "ann", "ann@", "@example.com", "Ann <ann@example.com>", "ann@localhost"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("email %q accepted", bad)
		}
	}
	if ValidatePassword("1234567") == nil || ValidatePassword("12345678") != nil || ValidatePassword(strings.Repeat("x", 129)) == nil {
		t.Error("password policy is not 8–128 characters")
	}
}

type fakeState struct {
	persons   map[string]bool
	follows   map[[2]string]bool
	interests map[[2]string]bool
	related   map[relKey]bool
	notes     map[[2]string]bool // person, notification id
}

type relKey struct {
	from, to string
	rel      Relation
}

func (f fakeState) PersonExists(_ context.Context, id string) (bool, error) {
	return f.persons[id], nil
}
func (f fakeState) Follows(_ context.Context, a, b string) (bool, error) {
	return f.follows[[2]string{a, b}], nil
}
func (f fakeState) HasInterest(_ context.Context, p, n string) (bool, error) {
	return f.interests[[2]string{p, n}], nil
}
func (f fakeState) InterestCount(context.Context, string) (int, error)  { return 0, nil }
func (f fakeState) FollowingCount(context.Context, string) (int, error) { return 0, nil }
func (f fakeState) Related(_ context.Context, from, to string, rel Relation) (bool, error) {
	return f.related[relKey{from, to, rel}], nil
}
func (f fakeState) HasNotification(_ context.Context, p, id string) (bool, error) {
	return f.notes[[2]string{p, id}], nil
}

func TestDecide(t *testing.T) {
	a, b, ghost := NewID(), NewID(), NewID()
	s := fakeState{persons: map[string]bool{a: true, b: true}, follows: map[[2]string]bool{{a, b}: true}, interests: map[[2]string]bool{{a, "go"}: true}}
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
		{"register new", CmdRegisterPerson, ghost, RegisterPersonPayload{Name: "G", Email: "g@example.com"}, StatusApplied, "", EvPersonRegistered},
		{"register again", CmdRegisterPerson, a, RegisterPersonPayload{Name: "A", Email: "a@example.com"}, StatusApplied, "", ""},
		{"register bad email", CmdRegisterPerson, ghost, RegisterPersonPayload{Name: "G", Email: "nope"}, StatusRejected, ReasonInvalidPayload, ""},
		{"follow", CmdFollow, b, FollowPayload{PersonID: a}, StatusApplied, "", EvFollowed},
		{"follow twice", CmdFollow, a, FollowPayload{PersonID: b}, StatusApplied, "", ""},
		{"follow unknown", CmdFollow, a, FollowPayload{PersonID: ghost}, StatusRejected, ReasonPersonNotFound, ""},
		{"follow self", CmdFollow, a, FollowPayload{PersonID: a}, StatusRejected, ReasonSelfFollow, ""},
		{"unknown actor", CmdFollow, ghost, FollowPayload{PersonID: a}, StatusRejected, ReasonActorNotFound, ""},
		{"unfollow", CmdUnfollow, a, FollowPayload{PersonID: b}, StatusApplied, "", EvUnfollowed},
		{"unfollow not followed", CmdUnfollow, b, FollowPayload{PersonID: a}, StatusApplied, "", ""},
		{"add interest", CmdAddInterest, b, InterestPayload{Interest: " Go "}, StatusApplied, "", EvInterestAdded},
		{"add interest twice", CmdAddInterest, a, InterestPayload{Interest: "GO"}, StatusApplied, "", ""},
		{"remove interest", CmdRemoveInterest, a, InterestPayload{Interest: "go"}, StatusApplied, "", EvInterestRemoved},
		{"bad interest", CmdAddInterest, a, InterestPayload{Interest: "!!"}, StatusRejected, ReasonInvalidPayload, ""},
		{"transfer", CmdTransferCoins, a, TransferPayload{To: b, Amount: 5, Memo: "thanks"}, StatusApplied, "", EvCoinsTransferred},
		{"transfer to nobody", CmdTransferCoins, a, TransferPayload{To: ghost, Amount: 5}, StatusRejected, ReasonRecipientNotFound, ""},
		{"transfer to self", CmdTransferCoins, a, TransferPayload{To: a, Amount: 5}, StatusRejected, ReasonSelfTransfer, ""},
		{"transfer zero", CmdTransferCoins, a, TransferPayload{To: b, Amount: 0}, StatusRejected, ReasonInvalidPayload, ""},
		{"transfer too much", CmdTransferCoins, a, TransferPayload{To: b, Amount: MaxTransfer + 1}, StatusRejected, ReasonInvalidPayload, ""},
		{"transfer long memo", CmdTransferCoins, a, TransferPayload{To: b, Amount: 1, Memo: strings.Repeat("m", MaxMemoLen+1)}, StatusRejected, ReasonInvalidPayload, ""},
		{"wrong payload", CmdFollow, a, map[string]int{"unexpected": 1}, StatusRejected, ReasonInvalidPayload, ""},
	}
	for _, c := range cases {
		cmd, err := NewCommand(c.typ, c.actor, c.pay, now)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Decide(context.Background(), s, cmd, now)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if out.Status != c.status || out.Reason != c.reason {
			t.Errorf("%s: got %s/%s, want %s/%s", c.name, out.Status, out.Reason, c.status, c.reason)
			continue
		}
		if c.event == "" {
			if len(out.Events) != 0 {
				t.Errorf("%s: unexpected events %+v", c.name, out.Events)
			}
			continue
		}
		want := 1
		if c.event == EvPersonRegistered {
			want = 2 // and the welcome grant
			var g CoinsGrantedData
			if out.Events[1].Type != EvCoinsGranted || out.Events[1].DecodeData(&g) != nil || g.Amount != 100 || g.PersonID != c.actor || g.TransferID != cmd.ID {
				t.Errorf("%s: welcome grant %+v", c.name, out.Events)
			}
		}
		if len(out.Events) != want || out.Events[0].Type != c.event || out.Events[0].Subject != c.actor || out.Events[0].CommandID != cmd.ID {
			t.Errorf("%s: events %+v", c.name, out.Events)
		}
		// Deciding the same command again names its event alike.
		again, _ := Decide(context.Background(), s, cmd, now)
		if again.Events[0].ID != out.Events[0].ID {
			t.Errorf("%s: event id not deterministic", c.name)
		}
	}
}

func TestDecodeCommandRejectsMalformed(t *testing.T) {
	good, _ := NewCommand(CmdFollow, NewID(), FollowPayload{PersonID: NewID()}, time.Now())
	raw, _ := json.Marshal(good)
	if _, err := DecodeCommand(raw); err != nil {
		t.Fatalf("good command refused: %v", err)
	}
	mutate := func(f func(*Command)) []byte {
		c := good
		f(&c)
		b, _ := json.Marshal(c)
		return b
	}
	for name, bad := range map[string][]byte{
		"not json":     []byte("{"),
		"no id":        mutate(func(c *Command) { c.ID = "" }),
		"bad actor":    mutate(func(c *Command) { c.Actor = "root" }),
		"unknown type": mutate(func(c *Command) { c.Type = "DropDatabase" }),
		"no time":      mutate(func(c *Command) { c.At = time.Time{} }),
	} {
		if _, err := DecodeCommand(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPolicyWithoutWelcomeCoins(t *testing.T) {
	id := NewID()
	cmd, _ := NewCommand(CmdRegisterPerson, id, RegisterPersonPayload{Name: "N", Email: "n@example.com"}, time.Now())
	out, err := Policy{}.Decide(context.Background(), fakeState{}, cmd, time.Now())
	if err != nil || len(out.Events) != 1 {
		t.Fatalf("no grant expected: %+v %v", out, err)
	}
}
