package gqlclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"time"

	"github.com/coder/websocket"
)

// Protocol is the WebSocket subprotocol the Socket speaks.
const Protocol = "graphql-transport-ws"

// MaxHeld bounds the messages a Socket holds for other subscriptions while
// a reader waits for its own.
const MaxHeld = 1024

// DialOptions say how a Socket introduces itself.
type DialOptions struct {
	Token   string         // when set, the connection_init payload's Authorization: "Bearer <Token>"
	Payload map[string]any // more of the connection_init payload
	Header  http.Header    // headers of the upgrade request
	// ReadTimeout bounds each read, within the context of the call; 0:
	// only the context does.
	ReadTimeout time.Duration
}

// Message is one graphql-transport-ws message.
type Message struct {
	ID       string          `json:"id,omitempty"`
	Type     string          `json:"type"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	Raw      json.RawMessage `json:"-"` // the whole message as it came
	Received time.Time       `json:"-"` // when it was read off the socket
}

// Socket is one graphql-transport-ws connection. Its methods are not safe
// for concurrent use, but for CloseNow.
type Socket struct {
	conn        *websocket.Conn
	readTimeout time.Duration
	held        map[string][]Message // read while waiting for another id
}

// Dial opens a socket to the endpoint (http, https, ws or wss URL), sends
// connection_init and waits for connection_ack.
func Dial(ctx context.Context, url string, o DialOptions) (*Socket, error) {
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		Subprotocols: []string{Protocol}, HTTPHeader: o.Header})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	s := &Socket{conn: conn, readTimeout: o.ReadTimeout}
	payload := maps.Clone(o.Payload)
	if payload == nil {
		payload = map[string]any{}
	}
	if o.Token != "" {
		payload["Authorization"] = "Bearer " + o.Token
	}
	if err := s.Send(ctx, map[string]any{"type": "connection_init", "payload": payload}); err != nil {
		_ = conn.CloseNow()
		return nil, err
	}
	m, err := s.Read(ctx)
	if err == nil && m.Type != "connection_ack" {
		err = fmt.Errorf("expected connection_ack, got %s", m.Raw)
	}
	if err != nil {
		_ = conn.CloseNow()
		return nil, err
	}
	return s, nil
}

// Conn is the underlying connection, for reading close frames and the like.
func (s *Socket) Conn() *websocket.Conn { return s.conn }

// Send writes one message (any JSON value).
func (s *Socket) Send(ctx context.Context, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := s.conn.Write(ctx, websocket.MessageText, raw); err != nil {
		return fmt.Errorf("websocket write: %w", err)
	}
	return nil
}

// Subscribe starts subscription id.
func (s *Socket) Subscribe(ctx context.Context, id, query string, vars map[string]any) error {
	return s.Send(ctx, map[string]any{"id": id, "type": "subscribe",
		"payload": map[string]any{"query": query, "variables": vars}})
}

// Complete ends subscription id.
func (s *Socket) Complete(ctx context.Context, id string) error {
	return s.Send(ctx, map[string]any{"id": id, "type": "complete"})
}

// Close ends the connection with a normal closure.
func (s *Socket) Close() error { return s.conn.Close(websocket.StatusNormalClosure, "") }

// CloseNow drops the connection without a close handshake.
func (s *Socket) CloseNow() error { return s.conn.CloseNow() }

// Read returns the next message off the socket, whatever its id. It answers
// pings and passes over pongs and keep-alives ("ka"). The connection's own
// errors wrap the websocket error, so websocket.CloseStatus reads them.
func (s *Socket) Read(ctx context.Context) (Message, error) {
	for {
		m, err := s.readOne(ctx)
		if err != nil {
			return Message{}, err
		}
		switch m.Type {
		case "ping":
			if err := s.Send(ctx, map[string]any{"type": "pong"}); err != nil {
				return Message{}, err
			}
		case "pong", "ka":
		default:
			return m, nil
		}
	}
}

func (s *Socket) readOne(ctx context.Context) (Message, error) {
	if s.readTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.readTimeout)
		defer cancel()
	}
	typ, raw, err := s.conn.Read(ctx)
	if err != nil {
		return Message{}, fmt.Errorf("websocket read: %w", err)
	}
	m := Message{Raw: raw, Received: time.Now()}
	if typ != websocket.MessageText {
		return m, fmt.Errorf("websocket read: a %v message, want text", typ)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("websocket read %.200s: %w", raw, err)
	}
	return m, nil
}

// NextFor returns the next message of subscription id. Messages of other
// subscriptions read meanwhile are held for their own NextFor, so a message
// that should not have come is still seen by whoever waits for it.
func (s *Socket) NextFor(ctx context.Context, id string) (Message, error) {
	if q := s.held[id]; len(q) > 0 {
		s.held[id] = q[1:]
		return q[0], nil
	}
	for held := 0; ; held++ {
		m, err := s.Read(ctx)
		if err != nil || m.ID == id {
			return m, err
		}
		if held >= MaxHeld {
			return Message{}, fmt.Errorf("subscription %s: more than %d messages for others", id, MaxHeld)
		}
		if s.held == nil {
			s.held = map[string][]Message{}
		}
		s.held[m.ID] = append(s.held[m.ID], m)
	}
}

// UnexpectedError is a message other than the "next" a reader waited for.
type UnexpectedError struct{ Message Message }

func (e *UnexpectedError) Error() string {
	return fmt.Sprintf("subscription %s: unexpected %s", e.Message.ID, e.Message.Raw)
}

// Next decodes the data of subscription id's next message into v, a
// pointer, which it zeroes first (a field missing from this message must
// not keep the previous one's value). A message other than "next" is an
// *UnexpectedError, and errors in its payload a *ResponseError.
func (s *Socket) Next(ctx context.Context, id string, v any) error {
	m, err := s.NextFor(ctx, id)
	if err != nil {
		return err
	}
	if m.Type != "next" {
		return &UnexpectedError{Message: m}
	}
	var r Response
	if err := json.Unmarshal(m.Payload, &r); err != nil {
		return fmt.Errorf("subscription %s: payload %.200s: %w", id, m.Payload, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("subscription %s: %w", id, &ResponseError{Errors: r.Errors})
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("gqlclient: Next needs a non-nil pointer")
	}
	rv.Elem().SetZero()
	if err := json.Unmarshal(r.Data, v); err != nil {
		return fmt.Errorf("subscription %s: decode %.200s: %w", id, r.Data, err)
	}
	return nil
}
