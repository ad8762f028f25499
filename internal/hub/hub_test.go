package hub

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/stream"
)

func TestSlowSubscriberIsEndedOthersKeepReceiving(t *testing.T) {
	h := New(2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow := h.Subscribe(ctx, stream.Firehose())
	fast := h.Subscribe(ctx, stream.Firehose())
	got := 0
	for i := range 5 {
		h.Publish(domain.Event{ID: string(rune('a' + i))})
		select {
		case <-fast:
			got++
		case <-time.After(time.Second):
			t.Fatal("fast subscriber stalled")
		}
	}
	if got != 5 {
		t.Fatalf("fast got %d of 5", got)
	}
	n, end := 0, stream.Message{}
	for m := range slow {
		if m.Err != nil {
			end = m
			continue
		}
		n++
	}
	// A full buffer, plus the event its stream had taken in hand if it ran
	// before the buffer filled (scheduling decides which).
	if n < 2 || n > 3 || end.Err != stream.ErrFellBehind {
		t.Fatalf("slow subscriber got %d events before being ended (%v), want a buffer of 2 (+1 in hand), then ErrFellBehind", n, end.Err)
	}
	if h.Count() != 1 {
		t.Fatalf("open subscriptions = %d, want 1", h.Count())
	}
}

func TestFilterAndCancel(t *testing.T) {
	h := New(0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	ch := h.Subscribe(ctx, stream.Person("me"))
	h.Publish(domain.Event{ID: "1", Subject: "other"})
	h.Publish(domain.Event{ID: "2", Subject: "me"})
	if m := <-ch; m.Event.ID != "2" {
		t.Fatalf("got %s, want only the matching event", m.Event.ID)
	}
	cancel()
	select {
	case _, open := <-ch:
		if open {
			t.Fatal("unexpected event after cancel")
		}
	case <-time.After(time.Second):
		t.Fatal("channel not closed after cancel")
	}
}
