package caller

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// TestRequire: no caller is UNAUTHENTICATED; a token past its exp is
// ErrTokenExpired once the leeway is over, and good within it.
func TestRequire(t *testing.T) {
	if _, err := Require(context.Background()); domain.KindOf(err) != domain.KindUnauthenticated || errors.Is(err, ErrTokenExpired) {
		t.Fatalf("no caller: %v, want UNAUTHENTICATED", err)
	}
	at := func(exp time.Time) context.Context {
		return WithIdentity(context.Background(), Identity{PersonID: "p", ExpiresAt: exp})
	}
	if id, err := Require(at(time.Now().Add(-Leeway / 2))); err != nil || id.PersonID != "p" {
		t.Fatalf("within the leeway: %+v %v", id, err)
	}
	if _, err := Require(at(time.Now().Add(-2 * Leeway))); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("past the leeway: %v, want %v", err, ErrTokenExpired)
	}
}

func TestIsAdminAndClientAddr(t *testing.T) {
	if (Identity{Roles: []string{RoleUser}}).IsAdmin() || !(Identity{Roles: []string{RoleUser, RoleAdmin}}).IsAdmin() {
		t.Fatal("IsAdmin does not follow the admin role")
	}
	if a := ClientAddr(context.Background()); a != "" {
		t.Fatalf("no address recorded: %q", a)
	}
	if a := ClientAddr(WithClientAddr(context.Background(), "192.0.2.1")); a != "192.0.2.1" {
		t.Fatalf("ClientAddr = %q", a)
	}
}
