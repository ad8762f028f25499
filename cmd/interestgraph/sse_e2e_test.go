package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// sseEvent is one server-sent event.
type sseEvent struct{ ID, Event, Data string }

// sseStream is an EventSource-style client: GET with the operation in the
// URL, Last-Event-ID on reconnection.
type sseStream struct {
	t      *testing.T
	resp   *http.Response
	lines  *bufio.Scanner
	cancel context.CancelFunc
}

func (rs *running) sse(t *testing.T, query string, vars map[string]any, lastEventID string) *sseStream {
	t.Helper()
	v, _ := json.Marshal(vars)
	u := rs.url + "/graphql?" + url.Values{"query": {query}, "variables": {string(v)}}.Encode()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET event stream: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("event stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sseStream{t: t, resp: resp, lines: bufio.NewScanner(resp.Body), cancel: cancel}
	s.lines.Buffer(make([]byte, 64<<10), 1<<20)
	t.Cleanup(s.close)
	return s
}

func (s *sseStream) close() {
	s.cancel()
	_ = s.resp.Body.Close()
}

// next returns the next event (comments skipped), failing at the deadline.
func (s *sseStream) next() sseEvent {
	s.t.Helper()
	var ev sseEvent
	for s.lines.Scan() {
		line := s.lines.Text()
		switch {
		case line == "":
			if ev.Event != "" {
				return ev
			}
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "id: "):
			ev.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			ev.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data:"):
			ev.Data = strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		}
	}
	s.t.Fatalf("event stream ended: %v", s.lines.Err())
	return ev
}

const ssePersonQuery = `subscription($p: ID!, $after: String) { personEvents(personId: $p, after: $after) { cursor commandId } }`

// TestSSEResumesWithLastEventID: over server-sent events each event's id
// is its cursor, and reconnecting with Last-Event-ID gets exactly the
// missed events, then live ones.
func TestSSEResumesWithLastEventID(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		a, b, _, _ := gateways(t, st)
		ann := a.register(t, "Ann")
		s := a.sse(t, ssePersonQuery, map[string]any{"p": ann.ID}, "")
		a.waitSubscriptions(t, 1)
		seen := a.mutate(t, ann.Token, "addInterest", "name", "sse-before").CommandID
		var ev sseEvent
		var data struct {
			Data struct {
				PersonEvents struct{ Cursor, CommandID string }
			}
		}
		for data.Data.PersonEvents.CommandID != seen {
			ev = s.next()
			if ev.Event != "next" || json.Unmarshal([]byte(ev.Data), &data) != nil {
				t.Fatalf("event %+v", ev)
			}
		}
		if ev.ID == "" || ev.ID != data.Data.PersonEvents.Cursor {
			t.Fatalf("SSE id %q, want the event's cursor %q", ev.ID, data.Data.PersonEvents.Cursor)
		}
		s.close()

		missed := []string{
			a.mutate(t, ann.Token, "addInterest", "name", "sse-away1").CommandID,
			a.mutate(t, ann.Token, "addInterest", "name", "sse-away2").CommandID,
		}
		again := b.sse(t, ssePersonQuery, map[string]any{"p": ann.ID}, ev.ID)
		for i, want := range append(missed, "live") {
			if want == "live" {
				want = a.mutate(t, ann.Token, "addInterest", "name", "sse-live").CommandID
			}
			got := again.next()
			if err := json.Unmarshal([]byte(got.Data), &data); err != nil || data.Data.PersonEvents.CommandID != want || got.ID != data.Data.PersonEvents.Cursor {
				t.Fatalf("event %d after reconnecting: %+v, want command %s with its cursor as id", i, got, want)
			}
		}
	})
}

// TestSSEBadCursorAndNonSubscriptions: a malformed Last-Event-ID is
// answered at once with BAD_USER_INPUT then complete; a query over an
// EventSource GET is a method error.
func TestSSEBadCursorAndNonSubscriptions(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	ann := rs.register(t, "Ann")
	s := rs.sse(t, ssePersonQuery, map[string]any{"p": ann.ID}, "not-a-cursor")
	if ev := s.next(); ev.Event != "next" || !strings.Contains(ev.Data, `"BAD_USER_INPUT"`) {
		t.Fatalf("malformed Last-Event-ID: %+v", ev)
	}
	if ev := s.next(); ev.Event != "complete" {
		t.Fatalf("after the error: %+v, want complete", ev)
	}
	req, _ := http.NewRequest(http.MethodGet, rs.url+"/graphql?query="+url.QueryEscape("{ me { id } }"), nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("query over an event-stream GET: %d, want 405", resp.StatusCode)
	}
}
