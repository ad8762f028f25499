package domain

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestMapPersonal: exactly the names, emails, bios and memos are mapped,
// each with its owner (the subject, or a transfer's sender); empty and
// absent values and other events are left alone.
func TestMapPersonal(t *testing.T) {
	cmd := Command{ID: "c1", Actor: "ann", At: time.Now()}
	bio, empty, name := "likes graphs", "", "Ann B"
	cases := []struct {
		typ  EventType
		data any
		want []string // owner/field=value seen by fn, in order
		out  any
	}{
		{EvPersonRegistered, PersonRegisteredData{PersonID: "ann", Name: "Ann", Email: "ann@example.com"},
			[]string{"ann/name=Ann", "ann/email=ann@example.com"},
			PersonRegisteredData{PersonID: "ann", Name: "X(Ann)", Email: "X(ann@example.com)"}},
		{EvProfileUpdated, ProfileData{PersonID: "ann", Bio: &bio},
			[]string{"ann/bio=likes graphs"},
			ProfileData{PersonID: "ann", Bio: ptr("X(likes graphs)")}},
		{EvProfileUpdated, ProfileData{PersonID: "ann", Name: &name, Bio: &empty},
			[]string{"ann/name=Ann B"},
			ProfileData{PersonID: "ann", Name: ptr("X(Ann B)"), Bio: ptr("")}},
		{EvCoinsTransferred, CoinsTransferredData{TransferID: "c1", From: "ann", To: "bob", Amount: 3, Memo: "for tea"},
			[]string{"ann/memo=for tea"},
			CoinsTransferredData{TransferID: "c1", From: "ann", To: "bob", Amount: 3, Memo: "X(for tea)"}},
		{EvCoinsTransferred, CoinsTransferredData{TransferID: "c1", From: "ann", To: "bob", Amount: 3}, nil,
			CoinsTransferredData{TransferID: "c1", From: "ann", To: "bob", Amount: 3}},
		{EvFollowed, FollowData{FollowerID: "ann", FolloweeID: "bob"}, nil, FollowData{FollowerID: "ann", FolloweeID: "bob"}},
	}
	for _, c := range cases {
		ev, err := NewEventForTest(cmd, c.typ, cmd.At, c.data)
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		got, err := MapPersonal(ev, func(owner, field, value string) (string, error) {
			seen = append(seen, owner+"/"+field+"="+value)
			return "X(" + value + ")", nil
		})
		if err != nil {
			t.Fatalf("%s: %v", c.typ, err)
		}
		if !reflect.DeepEqual(seen, c.want) {
			t.Errorf("%s: fn saw %q, want %q", c.typ, seen, c.want)
		}
		want, _ := json.Marshal(c.out)
		if string(got.Data) != string(want) {
			t.Errorf("%s: data %s, want %s", c.typ, got.Data, want)
		}
		if got.ID != ev.ID || got.Subject != ev.Subject || got.Type != ev.Type {
			t.Errorf("%s: envelope changed: %+v", c.typ, got)
		}
	}
}

func TestMapPersonalPassesErrorsOn(t *testing.T) {
	ev, _ := NewEventForTest(Command{ID: "c1", Actor: "ann"}, EvPersonRegistered, time.Now(), PersonRegisteredData{PersonID: "ann", Name: "Ann"})
	boom := errors.New("boom")
	if _, err := MapPersonal(ev, func(string, string, string) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	ev.Data = []byte("{")
	if _, err := MapPersonal(ev, func(_, _, v string) (string, error) { return v, nil }); err == nil {
		t.Fatal("malformed data accepted")
	}
}

func ptr(s string) *string { return &s }
