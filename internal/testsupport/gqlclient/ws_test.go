package gqlclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// fakeServer speaks enough graphql-transport-ws: it acks, pings, and
// answers subscription "b" then "a" with one message each, the query and
// variables as data. An init payload with an Authorization must also hold
// extra: x, and the upgrade request X-Test: h; else it closes with 4403.
func fakeServer(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Protocol}})
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		var init map[string]any
		if wsjson.Read(ctx, c, &init) != nil || init["type"] != "connection_init" {
			return
		}
		p, _ := init["payload"].(map[string]any)
		if p["Authorization"] != nil && (p["Authorization"] != "Bearer tok" || p["extra"] != "x" || r.Header.Get("X-Test") != "h") {
			_ = c.Close(4403, "Forbidden")
			return
		}
		_ = wsjson.Write(ctx, c, map[string]any{"type": "connection_ack"})
		_ = wsjson.Write(ctx, c, map[string]any{"type": "ping"})
		subs := map[string]any{}
		for len(subs) < 2 {
			var m map[string]any
			if err := wsjson.Read(ctx, c, &m); err != nil {
				return
			}
			if m["type"] == "subscribe" {
				subs[m["id"].(string)] = m["payload"]
			}
		}
		_ = wsjson.Write(ctx, c, map[string]any{"type": "ka"})
		_ = wsjson.Write(ctx, c, map[string]any{"id": "b", "type": "next", "payload": map[string]any{"data": subs["b"]}})
		_ = wsjson.Write(ctx, c, map[string]any{"id": "a", "type": "next", "payload": map[string]any{"data": subs["a"]}})
		_ = wsjson.Write(ctx, c, map[string]any{"id": "a", "type": "next",
			"payload": map[string]any{"errors": []any{map[string]any{"message": "no", "extensions": map[string]any{"code": "FORBIDDEN"}}}}})
		_ = wsjson.Write(ctx, c, map[string]any{"id": "a", "type": "complete"})
		_ = wsjson.Write(ctx, c, map[string]any{"id": "b", "type": "complete"})
		var m map[string]any
		_ = wsjson.Read(ctx, c, &m) // until the client closes
	}))
}

func TestSocketHoldsOtherSubscriptionsMessages(t *testing.T) {
	srv := fakeServer(t)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Dial(ctx, srv.URL, DialOptions{Token: "tok", Payload: map[string]any{"extra": "x"},
		Header: http.Header{"X-Test": {"h"}}, ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.CloseNow()
	for _, id := range []string{"a", "b"} {
		if err := s.Subscribe(ctx, id, "subscription "+id, map[string]any{"v": id}); err != nil {
			t.Fatal(err)
		}
	}
	var got struct {
		Query     string
		Variables map[string]any
	}
	// "a" waits behind "b"'s message, which is held for "b".
	if err := s.Next(ctx, "a", &got); err != nil || got.Query != "subscription a" || got.Variables["v"] != "a" {
		t.Fatalf("a: %+v %v", got, err)
	}
	var re *ResponseError
	if err := s.Next(ctx, "a", &got); !errors.As(err, &re) || re.Errors[0].Code() != "FORBIDDEN" {
		t.Fatalf("a's error: %v", err)
	}
	var ue *UnexpectedError
	if err := s.Next(ctx, "a", &got); !errors.As(err, &ue) || ue.Message.Type != "complete" {
		t.Fatalf("a's end: %v", err)
	}
	if err := s.Next(ctx, "b", &got); err != nil || got.Query != "subscription b" || got.Variables["v"] != "b" {
		t.Fatalf("b: %+v %v", got, err)
	}
	if m, err := s.NextFor(ctx, "b"); err != nil || m.Type != "complete" || m.Received.IsZero() {
		t.Fatalf("b's end: %+v %v", m, err)
	}
}

func TestDialSendsTheInitPayloadAndHeaders(t *testing.T) {
	srv := fakeServer(t)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Dial(ctx, srv.URL, DialOptions{Token: "forged", Payload: map[string]any{"extra": "x"}, Header: http.Header{"X-Test": {"h"}}})
	if websocket.CloseStatus(err) != 4403 {
		t.Fatalf("refused init: %v, want close status 4403", err)
	}
}

func TestReadIsBoundedByTheReadTimeout(t *testing.T) {
	srv := fakeServer(t)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Dial(ctx, srv.URL, DialOptions{ReadTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.CloseNow()
	start := time.Now()
	if _, err := s.Read(ctx); err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("read with nothing to read: %v after %v", err, time.Since(start))
	}
}
