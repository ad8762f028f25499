package identity

import (
	"context"
	"testing"
	"time"

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
	st := memory.New()
	_, c := serveComponent(t, st.Identity())
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
