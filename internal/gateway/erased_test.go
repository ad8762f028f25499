package gateway

import (
	"context"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

type fixedVerifier struct{ id string }

func (f fixedVerifier) Verify(context.Context, string) (caller.Identity, error) {
	return caller.Identity{PersonID: f.id}, nil
}

// TestRefuseErased: a deleted person's token is refused as soon as the
// deletion's outcome is noted, and the entry goes once no token of theirs
// can still be valid.
func TestRefuseErased(t *testing.T) {
	gone := domain.NewID()
	e := NewErased(time.Minute)
	now := time.Now()
	e.now = func() time.Time { return now }
	v := RefuseErased(fixedVerifier{gone}, e)
	if _, err := v.Verify(context.Background(), "t"); err != nil {
		t.Fatalf("before the deletion: %v", err)
	}
	cmd, _ := domain.NewCommand(domain.CmdDeleteAccount, gone, struct{}{}, now)
	ev, err := domain.NewEventForTest(cmd, domain.EvAccountDeleted, now, domain.AccountDeletedData{PersonID: gone})
	if err != nil {
		t.Fatal(err)
	}
	e.Note([]domain.Event{ev})
	if _, err := v.Verify(context.Background(), "t"); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("after the deletion: %v, want UNAUTHENTICATED", err)
	}
	now = now.Add(e.Window() + time.Second)
	other, _ := domain.NewCommand(domain.CmdDeleteAccount, domain.NewID(), struct{}{}, now)
	ev2, _ := domain.NewEventForTest(other, domain.EvAccountDeleted, now, domain.AccountDeletedData{PersonID: other.Actor})
	e.Note([]domain.Event{ev2})
	if e.Has(gone) || !e.Has(other.Actor) {
		t.Fatal("expired entry kept or new entry lost")
	}
}

// TestErasedKeepsDeletionsByWhenTheyHappened: deletions read from the
// event store at start count from when they were decided: one older than
// a token's lifetime is not kept, a recent one is kept for the rest of it.
func TestErasedKeepsDeletionsByWhenTheyHappened(t *testing.T) {
	e := NewErased(time.Minute)
	now := time.Now()
	e.now = func() time.Time { return now }
	deletion := func(at time.Time) domain.Event {
		cmd, _ := domain.NewCommand(domain.CmdDeleteAccount, domain.NewID(), struct{}{}, at)
		ev, err := domain.NewEventForTest(cmd, domain.EvAccountDeleted, at, domain.AccountDeletedData{PersonID: cmd.Actor})
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	window := e.Window() // a minute of token lifetime and the margin
	if window <= time.Minute {
		t.Fatalf("window %v: no margin past the token lifetime", window)
	}
	old, recent := deletion(now.Add(-window-time.Second)), deletion(now.Add(-window+10*time.Second))
	e.Note([]domain.Event{old, recent})
	if e.Has(old.Subject) {
		t.Fatal("a deletion older than any live token was kept")
	}
	if !e.Has(recent.Subject) {
		t.Fatal("a recent deletion was not kept")
	}
	now = now.Add(15 * time.Second)
	e.Add(domain.NewID()) // prunes
	if e.Has(recent.Subject) {
		t.Fatal("kept past the lifetime of tokens issued before the deletion")
	}
}
