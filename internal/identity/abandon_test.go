package identity

import (
	"context"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// TestAbandonUndoesOnlyANewRegistration drives Abandon through the
// component's HTTP API, as a gateway with AUTH_URL does.
func TestAbandonUndoesOnlyANewRegistration(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := memory.New()
	svc, c := serveComponent(t, st.Identity())

	s, err := c.Register(ctx, "new@example.com", "correct horse", "New")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Abandon(ctx, s.RefreshToken); err != nil {
		t.Fatalf("abandon a new registration: %v", err)
	}
	if _, err := st.Identity().AccountByEmail(ctx, "new@example.com"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("account after abandon: %v", err)
	}
	if err := c.Abandon(ctx, s.RefreshToken); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("abandon with a spent token: %v", err)
	}
	if err := c.Abandon(ctx, "made-up"); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("abandon with a made-up token: %v", err)
	}
	again, err := c.Register(ctx, "new@example.com", "correct horse", "New")
	if err != nil {
		t.Fatalf("register after abandon: %v", err)
	}

	// An established account cannot be deleted this way, even with a valid
	// refresh token.
	svc.now = func() time.Time { return time.Now().Add(abandonWindow + time.Minute) }
	if err := c.Abandon(ctx, again.RefreshToken); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("abandon an old account: %v", err)
	}
	if _, err := st.Identity().AccountByEmail(ctx, "new@example.com"); err != nil {
		t.Fatalf("an old account was deleted: %v", err)
	}
}
