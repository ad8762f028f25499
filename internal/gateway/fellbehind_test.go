package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket/wsjson"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/cursor"
	"github.com/interestgraph/interestgraph/internal/hub"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/resolvers"
)

// TestSubscriberThatFallsBehindIsToldWhereToResume: a subscriber whose
// buffer overflows gets, after what was buffered, one error event with the
// cursor of the last event delivered, then complete.
func TestSubscriberThatFallsBehindIsToldWhereToResume(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := hub.New(8, log)
	a, err := app.New(app.Config{}, nopSender{}, app.NewWaiter(), memory.New(), nopIdentity{}, h)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(Config{WS: WSLimits{WriteTimeout: time.Minute}}, Deps{
		Resolvers: &resolvers.Resolver{App: a, Log: log},
		Verifier:  nopVerifier{}, Ready: func(context.Context) error { return nil }, Log: log,
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(h.CloseAll)
	c := mustDial(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, _ := json.Marshal(map[string]any{"query": `subscription($p: ID!) { personEvents(personId: $p) { id cursor } }`,
		"variables": map[string]string{"p": personA}})
	if err := wsjson.Write(ctx, c, wsMsg{ID: "s", Type: "subscribe", Payload: p}); err != nil {
		t.Fatal(err)
	}
	for h.Count() != 1 {
		if ctx.Err() != nil {
			t.Fatal("subscription not registered")
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
	// The client reads nothing meanwhile: 400 events of 64 KiB fill the
	// socket buffers, then the hub's buffer of 8 overflows.
	pad := strings.Repeat("p", 64<<10)
	for i := range 400 {
		h.PublishAt(interestAdded(fmt.Sprint(i, pad)), 0, int64(i))
	}
	last := ""
	for n := 0; ; n++ {
		m, err := next(t, c)
		if err != nil {
			t.Fatalf("after %d events: %v", n, err)
		}
		if m.Type != "next" {
			t.Fatalf("after %d events: %s, want an error event first", n, m.Type)
		}
		var r struct {
			Data struct {
				PersonEvents *struct{ ID, Cursor string }
			}
			Errors []gqlErr
		}
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Errors) == 0 {
			last = r.Data.PersonEvents.Cursor
			continue
		}
		if n == 0 || n >= 400 {
			t.Fatalf("error after %d events: the buffer never overflowed", n)
		}
		e := r.Errors[0]
		if e.Extensions["code"] != CodeFellBehind || e.Extensions["cursor"] != last || r.Data.PersonEvents != nil {
			t.Fatalf("error event %+v, want %s with the last delivered cursor %q", r, CodeFellBehind, last)
		}
		if pos, err := cursor.Decode(last); err != nil || pos[0] != int64(n-1) {
			t.Fatalf("last cursor %q = %v: want the position of event %d", last, pos, n-1)
		}
		break
	}
	if m, err := next(t, c); err != nil || m.Type != "complete" {
		t.Fatalf("after the error event: %+v %v, want complete", m, err)
	}
}

type gqlErr struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}
