package gateway

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/internal/caller"
)

// sseTransport serves GraphQL over server-sent events, distinct
// connections mode (one operation per request, as graphql-sse and
// gqlgen's transport.SSE): a POST with a JSON body, or a GET with the
// query in the URL so that a browser's EventSource can open it. Each event
// of a subscription carries its cursor as the SSE id when the operation
// selects cursor, and a reconnecting EventSource's Last-Event-ID header
// becomes the $after variable: the stream resumes where it broke.
type sseTransport struct {
	writeTimeout time.Duration
	keepAlive    time.Duration
}

var _ graphql.Transport = sseTransport{}

const mediaEventStream = "text/event-stream"

// isSSE is the test of Supports, also used to admit and count streams.
func isSSE(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || !strings.Contains(r.Header.Get("Accept"), mediaEventStream) {
		return false
	}
	if r.Method == http.MethodGet {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && err == nil && mt == mediaJSON
}

func (sseTransport) Supports(r *http.Request) bool { return isSSE(r) }

func (t sseTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	raw, ok := sseParams(w, r)
	if !ok {
		return
	}
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if raw.Variables == nil {
			raw.Variables = map[string]any{}
		}
		raw.Variables["after"] = id
	}
	ctx := r.Context()
	// A stream ends when its token expires; the client reconnects with a
	// fresh one and Last-Event-ID, and misses nothing.
	if id, ok := caller.FromContext(ctx); ok && !id.ExpiresAt.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, id.ExpiresAt)
		defer cancel()
	}
	opCtx, errs := exec.CreateOperationContext(ctx, raw)
	if errs == nil && r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Subscription {
		w.Header().Set("Allow", "POST")
		writeHTTPError(w, r, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			"over GET, server-sent events serve subscriptions only: send "+string(opCtx.Operation.Operation)+"s with POST")
		return
	}
	w.Header().Set("Content-Type", mediaEventStream)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	out := &sseWriter{w: w, rc: http.NewResponseController(w), timeout: t.writeTimeout}
	// Headers go out at once: a client waits for them before it reads.
	if out.write(":\n\n") != nil {
		return
	}
	if errs != nil {
		if b, err := json.Marshal(exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)); err == nil {
			_ = out.event("next", "", b)
		}
		_ = out.complete()
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	// A response's data aliases a buffer the next response reuses: each is
	// encoded here, before the next is asked for.
	next := make(chan sseFrame)
	go func() {
		defer close(next)
		for {
			resp := responses(ctx)
			if resp == nil {
				return
			}
			b, err := json.Marshal(resp)
			if err != nil {
				return
			}
			select {
			case next <- sseFrame{id: cursorOf(resp.Data), data: b}:
			case <-ctx.Done():
				return
			}
		}
	}()
	t.pump(ctx, out, next)
}

// sseFrame is one encoded response and its cursor.
type sseFrame struct {
	id   string
	data []byte
}

// pump writes responses as events, with keep-alive comments between them,
// until the stream ends or the client goes away or stops reading.
func (t sseTransport) pump(ctx context.Context, out *sseWriter, next <-chan sseFrame) {
	ping := time.NewTicker(t.keepAlive)
	defer ping.Stop()
	for {
		select {
		case f, ok := <-next:
			if !ok {
				if ctx.Err() == nil {
					_ = out.complete()
				}
				return
			}
			if out.event("next", f.id, f.data) != nil {
				return
			}
		case <-ping.C:
			if out.write(":\n\n") != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// sseParams reads the operation from the URL (GET) or the body (POST).
func sseParams(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, bool) {
	raw := &graphql.RawParams{Headers: r.Header}
	raw.ReadTime.Start = graphql.Now()
	defer func() { raw.ReadTime.End = graphql.Now() }()
	if r.Method == http.MethodPost {
		// httpRules checked the body's shape and size already.
		if err := json.NewDecoder(r.Body).Decode(raw); err != nil {
			writeHTTPError(w, r, http.StatusBadRequest, CodeBadRequest, requestShape)
			return nil, false
		}
		return raw, true
	}
	q := r.URL.Query()
	raw.Query, raw.OperationName = q.Get("query"), q.Get("operationName")
	for name, into := range map[string]*map[string]any{"variables": &raw.Variables, "extensions": &raw.Extensions} {
		if v := q.Get(name); v != "" {
			if err := decodeObject(v, into); err != nil {
				writeHTTPError(w, r, http.StatusBadRequest, CodeBadRequest, "the "+name+" parameter must be a JSON object")
				return nil, false
			}
		}
	}
	return raw, true
}

// cursorOf returns the cursor the event selected ("" when it did not): the
// SSE id a reconnecting client sends back as Last-Event-ID.
func cursorOf(data json.RawMessage) string {
	var fields map[string]struct {
		Cursor string `json:"cursor"`
	}
	if len(data) == 0 || json.Unmarshal(data, &fields) != nil {
		return ""
	}
	for _, f := range fields {
		return f.Cursor
	}
	return ""
}

// sseWriter writes events with a deadline each: a client that stops
// reading is let go instead of holding the stream.
type sseWriter struct {
	w       io.Writer
	rc      *http.ResponseController
	timeout time.Duration
}

func (s *sseWriter) event(name, id string, b []byte) error {
	var msg strings.Builder
	if id != "" && !strings.ContainsAny(id, "\r\n") {
		msg.WriteString("id: " + id + "\n")
	}
	msg.WriteString("event: " + name + "\ndata: ")
	msg.Write(b)
	msg.WriteString("\n\n")
	return s.write(msg.String())
}

func (s *sseWriter) complete() error { return s.write("event: complete\ndata:\n\n") }

func (s *sseWriter) write(text string) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	if _, err := io.WriteString(s.w, text); err != nil {
		return err
	}
	return s.rc.Flush()
}
