package identity

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// serveComponent builds the component on st with auth's keys and a cheap
// argon2id cost, serves its HTTP API for the test, and returns the
// component and a client of the API, as a gateway with AUTH_URL has.
func serveComponent(t *testing.T, st Store) (*Service, *Client) {
	t.Helper()
	keys, err := auth.NewKeys(auth.KeyConfig{Issuer: "i", Audience: "a", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{}, st, keys, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "a-secret-of-16-chars"
	h, err := Handler(svc, keys, secret, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return svc, NewClient(srv.URL, secret)
}

// TestSessionWireFormat: the API answers a sign-in with these JSON names,
// which gateways (and any other client of the component) read.
func TestSessionWireFormat(t *testing.T) {
	_, c := serveComponent(t, memory.NewIdentity())
	body := strings.NewReader(`{"email":"wire@example.com","password":"correct horse","name":"Wire","clientAddr":"192.0.2.1"}`)
	req, err := http.NewRequest(http.MethodPost, c.base+"/auth/register", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("register: status %d, %v", resp.StatusCode, err)
	}
	want := []string{"accessToken", "createdAt", "created", "email", "expiresAt", "idToken", "name", "personId", "refreshToken"}
	keys := slices.Sorted(maps.Keys(got))
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("session fields %v, want %v", keys, want)
	}
	if string(got["created"]) != "true" || string(got["email"]) != `"wire@example.com"` {
		t.Fatalf("session %s", got)
	}
}
