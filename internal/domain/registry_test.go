package domain

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// registrySample is a well-formed command of one type that changes the
// state TestRegistryDecodesDecidesAndTouchesEveryType builds, and what it
// should be found to touch.
type registrySample struct {
	actor    string
	payload  any
	other    string // the other person it names, if any
	interest string // the normalised interest it names, if any
	paired   bool   // Pair names the actor and other
	unread   bool   // the type carries no payload: a malformed one is not refused
}

// registryNote is the notification in a's inbox the mark-read sample names.
var registryNote = NewID()

// registrySamples returns a sample of every command type.
func registrySamples(a, b, c, d, ghost string) map[CommandType]registrySample {
	return map[CommandType]registrySample{
		CmdRegisterPerson:        {actor: ghost, payload: RegisterPersonPayload{Name: "Gus", Email: "gus@example.com"}},
		CmdAddInterest:           {actor: a, payload: InterestPayload{Interest: " Chess "}, interest: "chess"},
		CmdRemoveInterest:        {actor: a, payload: InterestPayload{Interest: "GO"}, interest: "go"},
		CmdFollow:                {actor: a, payload: FollowPayload{PersonID: d}, other: d, paired: true},
		CmdUnfollow:              {actor: a, payload: FollowPayload{PersonID: b}, other: b},
		CmdTransferCoins:         {actor: a, payload: TransferPayload{To: d, Amount: 5}, other: d, paired: true},
		CmdUpdateProfile:         {actor: a, payload: ProfilePayload{Bio: new("hello")}},
		CmdDeleteAccount:         {actor: a, payload: struct{}{}, unread: true},
		CmdMarkNotificationsRead: {actor: a, payload: MarkReadPayload{UpTo: registryNote}},
		CmdBlock:                 {actor: a, payload: RelationPayload{PersonID: d}, other: d, paired: true},
		CmdUnblock:               {actor: a, payload: RelationPayload{PersonID: c}, other: c},
		CmdMute:                  {actor: a, payload: RelationPayload{PersonID: d}, other: d},
		CmdUnmute:                {actor: a, payload: RelationPayload{PersonID: c}, other: c},
		CmdDismissRecommendation: {actor: a, payload: RelationPayload{PersonID: d}, other: d},
	}
}

// TestRegistryDecodesDecidesAndTouchesEveryType: every registered type
// has a sample here (so a new type needs one), decodes from the wire,
// decides to an APPLIED change, reads only the persons and interests
// Touches names (the nodes a store locks), is paired or not as its
// sample says, and refuses an unknown actor and a malformed payload.
func TestRegistryDecodesDecidesAndTouchesEveryType(t *testing.T) {
	a, b, c, d, ghost := NewID(), NewID(), NewID(), NewID(), NewID()
	samples := registrySamples(a, b, c, d, ghost)
	for typ, row := range commands {
		t.Run(string(typ), func(t *testing.T) {
			sample, ok := samples[typ]
			if !ok {
				t.Fatalf("no sample of %s in registrySamples", typ)
			}
			st := readsState{
				fakeState: fakeState{persons: map[string]bool{a: true, b: true, c: true, d: true},
					follows: map[[2]string]bool{{a, b}: true}, interests: map[[2]string]bool{{a, "go"}: true},
					related: map[relKey]bool{{a, c, RelBlocks}: true, {a, c, RelMutes}: true},
					notes:   map[[2]string]bool{{a, registryNote}: true}},
				persons: map[string]bool{}, interests: map[string]bool{},
			}
			cmd, err := NewCommand(typ, sample.actor, sample.payload, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			checkDecodes(t, cmd)
			checkDecides(t, st, cmd)
			checkTouches(t, cmd, sample, st)
			checkRefuses(t, row, cmd, sample, st.fakeState)
		})
	}
}

func checkDecodes(t *testing.T, cmd Command) {
	t.Helper()
	raw, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeCommand(raw)
	if err != nil || got.Type != cmd.Type || string(got.Payload) != string(cmd.Payload) {
		t.Errorf("DecodeCommand: %+v, %v", got, err)
	}
}

func checkDecides(t *testing.T, s State, cmd Command) {
	t.Helper()
	out, err := Decide(context.Background(), s, cmd, time.Now())
	if err != nil || out.Status != StatusApplied || out.CommandID != cmd.ID || len(out.Events) == 0 {
		t.Fatalf("Decide: %+v, %v; want APPLIED with events", out, err)
	}
	for _, ev := range out.Events {
		if ev.CommandID != cmd.ID || ev.Subject != cmd.Actor {
			t.Errorf("event %+v is not of the command and its actor", ev)
		}
	}
}

// checkRefuses: an unknown actor is ACTOR_NOT_FOUND (unless the command
// creates it), and a malformed payload is INVALID_PAYLOAD and touches no
// one else (unless the command carries no payload).
func checkRefuses(t *testing.T, row commandSpec, cmd Command, sample registrySample, s fakeState) {
	t.Helper()
	ctx := context.Background()
	if !row.createsActor {
		orphan := cmd
		orphan.Actor = NewID()
		if out, err := Decide(ctx, s, orphan, time.Now()); err != nil || out.Reason != ReasonActorNotFound {
			t.Errorf("unknown actor: %+v, %v", out, err)
		}
	}
	bad := cmd
	bad.Payload = json.RawMessage(`{"unexpected":1}`)
	out, err := Decide(ctx, s, bad, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if sample.unread {
		if out.Status != StatusApplied {
			t.Errorf("a command without payload refused what it does not read: %+v", out)
		}
		return
	}
	if out.Status != StatusRejected || out.Reason != ReasonInvalidPayload {
		t.Errorf("malformed payload: %+v, want REJECTED %s", out, ReasonInvalidPayload)
	}
	if ps, is := Touches(bad); len(ps) != 1 || is != nil || Pair(bad) != nil {
		t.Errorf("malformed payload touches %v %v, pair %v; want the actor only", ps, is, Pair(bad))
	}
}
