package auth

import (
	"context"
	"testing"
	"time"
)

// FuzzVerify: every request's bearer token goes through Verify. Whatever
// the token, it answers (never panics); a token it accepts names the
// person it was issued to (mutations of a valid token never become someone
// else's, and never gain roles).
func FuzzVerify(f *testing.F) {
	k, err := NewKeys(KeyConfig{Issuer: "iss", Audience: "aud", TTL: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	const person = "0190e5a4-1c2b-7d3e-8f40-123456789abc"
	valid, _, err := k.Issue(person, []string{"user"})
	if err != nil {
		f.Fatal(err)
	}
	id, _ := k.IssueID(person, "a@example.com", "A")
	f.Add(valid)
	f.Add(id)
	f.Add("")
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, tok string) {
		got, err := k.Verify(context.Background(), tok)
		if err != nil {
			return
		}
		if got.PersonID != person || len(got.Roles) != 1 || got.Roles[0] != "user" {
			t.Fatalf("token %q accepted as %+v", tok, got)
		}
	})
}
