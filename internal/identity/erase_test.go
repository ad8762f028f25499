package identity

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// TestCheckPassword drives CheckPassword through the component's HTTP
// API: the right password passes; a wrong, missing or over-long one and
// an unknown person are UNAUTHENTICATED.
func TestCheckPassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keys, err := auth.NewKeys(auth.KeyConfig{Issuer: "i", Audience: "a", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	svc, err := New(Config{Argon2: auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}}, st.Identity(), keys)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "a-secret-of-16-chars"
	h, err := Handler(svc, secret, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := NewClient(srv.URL, secret)
	s, err := c.Register(ctx, "leaver@example.com", "correct horse", "Leaver")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckPassword(ctx, s.PersonID, "correct horse"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	long := make([]byte, maxPasswordLen+1)
	for _, c2 := range []struct{ who, pw string }{{s.PersonID, "wrong horse"}, {s.PersonID, ""}, {s.PersonID, string(long)}, {domain.NewID(), "correct horse"}} {
		if err := c.CheckPassword(ctx, c2.who, c2.pw); domain.KindOf(err) != domain.KindUnauthenticated {
			t.Fatalf("CheckPassword(%q): %v, want UNAUTHENTICATED", c2.pw, err)
		}
	}
	// An identity provider's account has no password to give.
	viaProvider := domain.NewID()
	if err := st.Identity().CreateAccount(ctx, store.Account{PersonID: viaProvider, Email: "p@example.com", ProviderKey: store.ProviderKey("iss", "sub")}); err != nil {
		t.Fatal(err)
	}
	if err := c.CheckPassword(ctx, viaProvider, ""); err != nil {
		t.Fatalf("provider account without a password: %v", err)
	}
}
