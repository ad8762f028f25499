package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestBadInput: every bad request gets a stable extensions.code, never a
// 500 or a panic.
func TestBadInput(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		ann := rs.register(t, "Ann")
		deep := "{ me { " + strings.Repeat("following { edges { node { ", 14) + "id" + strings.Repeat(" } } }", 14) + " } }"
		aliases := "mutation {"
		for i := range 200 {
			aliases += fmt.Sprintf(` l%d: login(email: "a%d@example.com", password: "whatever1") { accessToken }`, i, i)
		}
		aliases += " }"
		cases := []struct {
			name, token, query, code string
			vars                     map[string]any
		}{
			{"empty interest", ann.Token, `mutation { addInterest(name: "   ") { status } }`, "BAD_USER_INPUT", nil},
			{"interest with symbols", ann.Token, `mutation { addInterest(name: "go; DROP") { status } }`, "BAD_USER_INPUT", nil},
			{"interest too long", ann.Token, `mutation($n: String!) { addInterest(name: $n) { status } }`, "BAD_USER_INPUT", map[string]any{"n": strings.Repeat("a", 65)}},
			{"follow yourself", ann.Token, `mutation($p: ID!) { follow(personId: $p) { status } }`, "BAD_USER_INPUT", map[string]any{"p": ann.ID}},
			{"malformed id", ann.Token, `mutation { follow(personId: "../../etc") { status } }`, "BAD_USER_INPUT", nil},
			{"malformed person id", "", `{ person(id: "42") { name } }`, "BAD_USER_INPUT", nil},
			{"page too large", ann.Token, `{ me { followers(first: 101) { totalCount } } }`, "BAD_USER_INPUT", nil},
			{"page of zero", ann.Token, `{ me { followers(first: 0) { totalCount } } }`, "BAD_USER_INPUT", nil},
			{"malformed cursor", ann.Token, `{ me { followers(after: "!!") { totalCount } } }`, "BAD_USER_INPUT", nil},
			{"invalid email", "", `mutation { register(input: {email: "not-an-email", password: "password1", name: "X"}) { accessToken } }`, "BAD_USER_INPUT", nil},
			{"short password", "", `mutation { register(input: {email: "x@example.com", password: "short", name: "X"}) { accessToken } }`, "BAD_USER_INPUT", nil},
			{"email taken", "", `mutation($e: String!) { register(input: {email: $e, password: "password1", name: "X"}) { accessToken } }`, "ALREADY_EXISTS", map[string]any{"e": ann.Email}},
			{"wrong password", "", `mutation($e: String!) { login(email: $e, password: "wrong password") { accessToken } }`, "UNAUTHENTICATED", map[string]any{"e": ann.Email}},
			{"unknown email", "", `mutation { login(email: "nobody@example.com", password: "wrong password") { accessToken } }`, "UNAUTHENTICATED", nil},
			{"no token", "", `mutation { addInterest(name: "go") { status } }`, "UNAUTHENTICATED", nil},
			{"forged token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", `mutation { addInterest(name: "go") { status } }`, "UNAUTHENTICATED", nil},
			{"tampered token", tamper(ann.Token), `mutation { addInterest(name: "go") { status } }`, "UNAUTHENTICATED", nil},
			{"recommendations need a token", "", `{ recommendedPeople { score } }`, "UNAUTHENTICATED", nil},
			{"40 levels deep", ann.Token, deep, "COMPLEXITY_LIMIT_EXCEEDED", nil},
			{"a million items", ann.Token, `{ me { followers(first: 1000000) { edges { node { followers(first: 1000000) { totalCount } } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED", nil},
			{"aliased logins", "", aliases, "COMPLEXITY_LIMIT_EXCEEDED", nil},
			{"syntax error", "", `{ me { `, "GRAPHQL_PARSE_FAILED", nil},
			{"unknown field", "", `{ nope }`, "GRAPHQL_VALIDATION_FAILED", nil},
		}
		for _, c := range cases {
			r := rs.do(t, c.token, c.query, c.vars)
			if r.code() != c.code {
				t.Errorf("%s: code %q, want %q (errors %+v)", c.name, r.code(), c.code, r.Errors)
			}
		}
		// The same message for a wrong password and an unknown email.
		a := rs.do(t, "", `mutation($e: String!) { login(email: $e, password: "wrong password") { accessToken } }`, map[string]any{"e": ann.Email})
		b := rs.do(t, "", `mutation { login(email: "nobody@example.com", password: "wrong password") { accessToken } }`, nil)
		if a.Errors[0].Message != b.Errors[0].Message {
			t.Errorf("login errors differ: %q vs %q", a.Errors[0].Message, b.Errors[0].Message)
		}
		// me is null, not an error, without a token.
		if r := rs.do(t, "", `{ me { id } }`, nil); len(r.Errors) != 0 || string(r.Data) != `{"me":null}` {
			t.Errorf("anonymous me: %s %+v", r.Data, r.Errors)
		}
		// A megabyte of dots in the Authorization header is refused, not a 500.
		r := rs.doWith(t, `mutation { addInterest(name: "go") { status } }`, nil, func(h http.Header) { h["Authorization"] = []string{"Bearer " + strings.Repeat(".", 1<<20)} })
		if r.code() != "UNAUTHENTICATED" {
			t.Errorf("huge header: status %d, errors %+v", r.status, r.Errors)
		}
	})
}

// tamper flips a character of the payload, keeping the signature.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	p := []byte(parts[1])
	if p[10] == 'A' {
		p[10] = 'B'
	} else {
		p[10] = 'A'
	}
	return parts[0] + "." + string(p) + "." + parts[2]
}

// TestSocialBadInput: the social reads refuse bad input with BAD_USER_INPUT.
func TestSocialBadInput(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		long := strings.Repeat("a", 101)
		ann := rs.register(t, "Ann")
		bio := `mutation($b: String) { updateProfile(input: {bio: $b}) { status } }`
		for name, c := range map[string]struct {
			query string
			vars  map[string]any
		}{
			"bio of 301":         {bio, map[string]any{"b": strings.Repeat("b", 301)}},
			"bidi override name": {`mutation { updateProfile(input: {name: "Ann\u202Egnp.exe"}) { status } }`, nil},
			"empty profile":      {`mutation { updateProfile(input: {}) { status } }`, nil},
			"name of 101":        {`mutation($n: String) { updateProfile(input: {name: $n}) { status } }`, map[string]any{"n": long}},
			"long search":        {`query($q: String!) { searchPersons(query: $q) { totalCount } }`, map[string]any{"q": long}},
			"empty search":       {`{ searchPersons(query: " - ") { totalCount } }`, nil},
			"search page of 101": {`{ searchPersons(query: "a", first: 101) { totalCount } }`, nil},
			"search cursor":      {`{ searchPersons(query: "a", after: "cDox") { totalCount } }`, nil},
			"long directory":     {`query($q: String) { interests(query: $q) { totalCount } }`, map[string]any{"q": long}},
			"trending of 0":      {`{ trendingInterests(first: 0) { adopters } }`, nil},
			"directory of 101":   {`{ interests(first: 101) { totalCount } }`, nil},
		} {
			if r := rs.do(t, ann.Token, c.query, c.vars); r.code() != "BAD_USER_INPUT" {
				t.Errorf("%s: code %q (errors %+v)", name, r.code(), r.Errors)
			}
		}
	})
}
