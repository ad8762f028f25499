package identity

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

type countingIntrospector struct{ calls atomic.Int32 }

func (c *countingIntrospector) Introspect(context.Context, string) (Introspection, error) {
	c.calls.Add(1)
	return Introspection{Active: false}, nil
}

type refuseAll struct{}

func (refuseAll) Verify(context.Context, string) (caller.Identity, error) {
	return caller.Identity{}, &domain.Error{Kind: domain.KindUnauthenticated, Message: "no"}
}

// TestUnknownReferencesAreCachedAsUnknown: replaying a made-up reference
// token costs the auth component one introspection per while, not one per
// request; after the while it is asked again.
func TestUnknownReferencesAreCachedAsUnknown(t *testing.T) {
	intro := &countingIntrospector{}
	p := NewPhantomVerifier(refuseAll{}, intro)
	now := time.Unix(1_700_000_000, 0)
	p.now = func() time.Time { return now }
	for range 100 {
		_, err := p.Verify(context.Background(), ReferencePrefix+"made-up")
		if domain.KindOf(err) != domain.KindUnauthenticated {
			t.Fatalf("unknown reference: %v", err)
		}
	}
	if n := intro.calls.Load(); n != 1 {
		t.Fatalf("%d introspections for 100 requests with one unknown reference, want 1", n)
	}
	now = now.Add(inactiveTTL + time.Second)
	_, _ = p.Verify(context.Background(), ReferencePrefix+"made-up")
	if n := intro.calls.Load(); n != 2 {
		t.Fatalf("%d introspections after the negative entry expired, want 2", n)
	}
}
