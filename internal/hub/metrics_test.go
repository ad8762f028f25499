package hub

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/stream"
)

// TestHubMetrics: open subscriptions are counted by kind while they last,
// and an event a slow subscriber misses is counted as dropped. Not
// parallel: the metrics are process-wide.
func TestHubMetrics(t *testing.T) {
	kind := map[string]string{"kind": "recipient"}
	open0 := metrics.Read("interestgraph_subscriptions_active", kind)
	dropped0 := metrics.Read("interestgraph_subscription_events_dropped_total", nil)

	h := New(1, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow := h.Subscribe(ctx, stream.Recipient("p1"))
	if got := metrics.Read("interestgraph_subscriptions_active", kind) - open0; got != 1 {
		t.Fatalf("subscriptions_active{recipient} rose by %v, want 1", got)
	}
	ev := domain.Event{ID: "e", Type: domain.EvFollowed, Subject: "p0", Data: []byte(`{"followerId":"p0","followeeId":"p1"}`)}
	// The stream may already hold the first event in hand, waiting for us
	// to read, so a buffer of one takes the second: the third is dropped at
	// the latest, and a drop ends the subscription at once (no later event
	// counts).
	h.Publish(ev)
	h.Publish(ev)
	h.Publish(ev)
	for range slow {
	}
	if got := metrics.Read("interestgraph_subscription_events_dropped_total", nil) - dropped0; got != 1 {
		t.Fatalf("subscription_events_dropped_total rose by %v, want 1", got)
	}
	if got := metrics.Read("interestgraph_subscriptions_active", kind) - open0; got != 0 {
		t.Fatalf("subscriptions_active{recipient} is %v above where it started after the end, want 0", got)
	}
}
