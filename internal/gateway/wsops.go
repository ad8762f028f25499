package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
)

// WebSocket close codes of the limits.
const (
	closeDuplicate = 4409 // graphql-transport-ws: "Subscriber for <id> already exists"
	closeIdle      = 1001 // going away: a legacy socket idle too long
)

type verdict int

const (
	admitted  verdict = iota // pass the message to gqlgen
	refused                  // answer with reply, drop the message
	duplicate                // close the socket with 4409
)

type admission struct {
	verdict verdict
	id      string
	reply   []byte
}

// ops tracks the operations of one socket by id. An id is taken by the
// client's subscribe and given back only by the server's own complete or
// error for it: gqlgen's table of running operations is keyed by id and a
// reused id would replace (and leak) a running one, so the id stays taken
// until gqlgen has finished with it, even after the client's complete.
// When an operation fails before it starts, gqlgen sends error and then
// complete for it from its read loop, both before the next client message
// is read, so the second cannot free a newer operation under the same id.
type ops struct {
	legacy bool // graphql-ws rather than graphql-transport-ws
	start  string
	max    int

	mu     sync.Mutex
	active map[string]struct{}
}

func newOps(subprotocol string, max int) *ops {
	o := &ops{max: max, active: map[string]struct{}{}, start: "subscribe"}
	if subprotocol != "graphql-transport-ws" {
		// gqlgen serves graphql-ws also when no subprotocol was agreed.
		o.legacy, o.start = true, "start"
	}
	return o
}

type envelope struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// admit decides what to do with a message from the client. Anything that
// is not a well-formed start of an operation goes to gqlgen, which answers
// malformed messages itself. The message is read exactly as gqlgen reads it
// (the first JSON value, whatever follows), so that nothing gqlgen would
// start escapes the count.
func (o *ops) admit(data []byte) admission {
	var m envelope
	if json.NewDecoder(bytes.NewReader(data)).Decode(&m) != nil || m.Type != o.start {
		return admission{verdict: admitted}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, taken := o.active[m.ID]; taken {
		return admission{verdict: duplicate, id: m.ID}
	}
	if len(o.active) >= o.max {
		return admission{verdict: refused, id: m.ID, reply: o.limitReply(m.ID)}
	}
	o.active[m.ID] = struct{}{}
	return admission{verdict: admitted, id: m.ID}
}

func (o *ops) limitReply(id string) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "type": "error", "payload": []any{map[string]any{
		"message":    fmt.Sprintf("at most %d active subscriptions per connection", o.max),
		"extensions": map[string]any{"code": CodeSubscriptionLimit},
	}}})
	return b
}

// Terminal server messages end with their type: gqlgen's message structs
// declare payload, id, type in that order (websocket_graphql_transport_ws.go,
// websocket_graphqlws.go), so most messages are recognised as not terminal
// without decoding their payload. The subscription tests fail if that order
// changes.
var (
	suffixComplete = []byte(`"type":"complete"}`)
	suffixError    = []byte(`"type":"error"}`)
)

// sent gives back the id of an operation the server has ended.
func (o *ops) sent(data []byte) {
	if !bytes.HasSuffix(data, suffixComplete) && !bytes.HasSuffix(data, suffixError) {
		return
	}
	var m envelope
	if json.Unmarshal(data, &m) != nil {
		return
	}
	o.mu.Lock()
	delete(o.active, m.ID)
	o.mu.Unlock()
}

func (o *ops) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.active)
}
