package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/resolvers"
)

// A group is one execution of a subscription shared by every socket that
// subscribed with the same document, operation name and variables and
// may see the same: each event is resolved and encoded once, then framed
// with each subscriber's id. What a subscriber may see is its identity,
// unless the selection is public (publicSelection): then the execution
// runs as nobody, and each subscriber was checked when it joined (a
// deleted account, in start). A subscription resumed with after has a
// replay of its own, so it is a group of one.
//
// The group's table is keyed by a digest of that, and holds one entry
// per running group: at most one per subscription, which the socket
// limits bound.
type groups struct {
	mu      sync.Mutex
	all     map[[sha256.Size]byte]*group // the shared ones, to join
	running map[*group]struct{}
	log     *slog.Logger
}

func newGroups(log *slog.Logger) *groups {
	return &groups{all: map[[sha256.Size]byte]*group{}, running: map[*group]struct{}{}, log: log}
}

type group struct {
	reg    *groups
	key    [sha256.Size]byte
	shared bool   // in the table, for others to join
	kind   string // of its stream, for interestgraph_subscriptions_active
	cancel context.CancelFunc

	mu      sync.Mutex
	members map[*wsOp]struct{}
	ended   bool
	open    bool // its stream is subscribed: an event published now reaches it
	// counted is how many of its members the group itself counts in
	// interestgraph_subscriptions_active: all but one, which the hub
	// counts as the group's stream, so the gauge still counts subscribers.
	counted int
}

// streamKinds names the stream of each subscription field as the hub does.
var streamKinds = map[string]string{"personEvents": "person", "notifications": "recipient", "graphEvents": "firehose"}

// join adds op to the group of its subscription, starting one if there is
// none.
func (r *groups) join(ctx context.Context, op *wsOp, rc *graphql.OperationContext) {
	key, shared, public, after, field := groupKey(ctx, rc)
	op.last = after
	r.mu.Lock()
	if g := r.all[key]; shared && g != nil {
		g.mu.Lock()
		if !g.ended {
			g.members[op] = struct{}{}
			op.group = g
			g.counted++
			metrics.SubscriptionOpened(g.kind)
			g.mu.Unlock()
			r.mu.Unlock()
			return
		}
		g.mu.Unlock()
	}
	gctx := context.WithoutCancel(ctx) // the group outlives the socket that started it
	if public {
		gctx = caller.WithoutIdentity(gctx)
	}
	gctx, cancel := context.WithCancel(gctx)
	g := &group{reg: r, key: key, shared: shared, kind: streamKinds[field], cancel: cancel, members: map[*wsOp]struct{}{op: {}}}
	op.group = g
	if shared {
		r.all[key] = g
	}
	r.running[g] = struct{}{}
	r.mu.Unlock()
	go g.run(gctx, op.s.exec, rc)
}

// count returns the groups whose stream is open and the subscriptions
// they serve.
func (r *groups) count() (groups, subscribers int) {
	r.mu.Lock()
	gs := make([]*group, 0, len(r.running))
	for g := range r.running {
		gs = append(gs, g)
	}
	r.mu.Unlock()
	for _, g := range gs {
		g.mu.Lock()
		if g.open && !g.ended {
			groups++
			subscribers += len(g.members)
		}
		g.mu.Unlock()
	}
	return groups, subscribers
}

// run executes the subscription and fans each response out, until the
// stream ends or every member has left.
func (g *group) run(ctx context.Context, exec graphql.GraphExecutor, rc *graphql.OperationContext) {
	defer g.end()
	defer func() {
		if r := recover(); r != nil {
			g.reg.log.ErrorContext(ctx, "subscription panicked", "panic", fmt.Sprint(r))
			g.fanOut(internalError(), "", classFinal)
		}
	}()
	ctx, cursors := resolvers.WithCursors(ctx)
	responses, ctx := exec.DispatchOperation(ctx, rc)
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
	for {
		resp := responses(ctx)
		if resp == nil {
			return
		}
		g.fanOut(encodeResponse(ctx, g.reg.log, resp), cursors.Take(), classEvent)
	}
}

func internalError() []byte {
	b, _ := appendResponse(nil, &graphql.Response{Errors: gqlerror.List{{Message: "internal error",
		Extensions: map[string]any{"code": CodeInternal}}}})
	return b
}

// encodeResponse is resp as a message's payload; one that cannot be
// encoded is logged and sent as an internal error instead.
func encodeResponse(ctx context.Context, log *slog.Logger, resp *graphql.Response) []byte {
	b, err := appendResponse(nil, resp)
	if err != nil {
		log.ErrorContext(ctx, "websocket response not encodable", "err", err)
		return internalError()
	}
	return b
}

// fanOut queues payload for every member. A member whose socket's queue
// is full has fallen behind: it is told where to resume (the cursor of
// the last event queued for it) and leaves.
func (g *group) fanOut(payload []byte, cursor string, class frameClass) {
	var behind []*wsOp
	g.mu.Lock()
	for op := range g.members {
		switch op.s.offer(op.nextFrame(payload), class) {
		case queued:
			if cursor != "" {
				op.last = cursor
			}
		case full:
			behind = append(behind, op)
			g.removeLocked(op)
		}
	}
	g.mu.Unlock()
	for _, op := range behind {
		end := &resolvers.FellBehindError{Cursor: op.last, Behind: true}
		payload := encodeResponse(context.Background(), g.reg.log, &graphql.Response{Errors: gqlerror.List{{Message: end.Error(),
			Extensions: map[string]any{"code": CodeFellBehind, "cursor": end.Cursor}}}})
		op.s.end(op, classFinal, op.nextFrame(payload), control("complete", op.id, nil))
	}
	if len(behind) > 0 {
		g.leftBy(nil)
	}
}

// leave takes op out of the group; the last one out stops it.
func (g *group) leave(op *wsOp) { g.leftBy(op) }

func (g *group) leftBy(op *wsOp) {
	g.mu.Lock()
	if op != nil {
		g.removeLocked(op)
	}
	last := len(g.members) == 0 && !g.ended
	if last {
		g.ended = true
	}
	g.mu.Unlock()
	if last {
		g.reg.remove(g)
		g.cancel()
	}
}

// removeLocked takes op out; the hub's count stays for the last member.
func (g *group) removeLocked(op *wsOp) {
	if _, ok := g.members[op]; !ok {
		return
	}
	delete(g.members, op)
	if g.counted > 0 {
		g.counted--
		metrics.SubscriptionClosed(g.kind)
	}
}

// end: the stream is over; the members still there get complete.
func (g *group) end() {
	g.mu.Lock()
	g.ended = true
	members := g.members
	g.members = map[*wsOp]struct{}{}
	for ; g.counted > 0; g.counted-- {
		metrics.SubscriptionClosed(g.kind)
	}
	g.mu.Unlock()
	g.reg.remove(g)
	g.cancel()
	for op := range members {
		op.s.finish(op, classFinal)
	}
}

func (r *groups) remove(g *group) {
	r.mu.Lock()
	if r.all[g.key] == g {
		delete(r.all, g.key)
	}
	delete(r.running, g)
	r.mu.Unlock()
}

// groupKey is the digest of what makes two subscriptions one execution,
// whether they may share it (not when resumed: after is returned), and
// whether it runs as nobody (public).
func groupKey(ctx context.Context, rc *graphql.OperationContext) (key [sha256.Size]byte, shared, public bool, after, field string) {
	fields := graphql.CollectFields(rc, rc.Operation.SelectionSet, []string{"Subscription"})
	shared = len(fields) == 1
	if shared {
		field = fields[0].Name
		if a, ok := fields[0].ArgumentMap(rc.Variables)["after"].(string); ok {
			shared, after = false, a
		}
	}
	vars, _ := json.Marshal(rc.Variables) // map keys in order
	scope := "public"
	public = shared && fields[0].Name == "personEvents" && publicSelection(fields[0].SelectionSet)
	if !public {
		id, _ := caller.FromContext(ctx)
		scope = id.PersonID + "\x00" + strings.Join(id.Roles, ",")
	}
	h := sha256.New()
	for _, part := range []string{rc.RawQuery, rc.OperationName, string(vars), scope} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	copy(key[:], h.Sum(nil))
	return key, shared, public, after, field
}

// publicSelection reports whether a personEvents selection shows the same
// to every caller, so that one execution may serve them all: the events'
// own fields (id, at, commandId, cursor), the person's id and name, the
// interest's name. Anything else (a profile field, a list, a count) may
// depend on who asks, so such subscriptions share only with the same
// caller. Blocks decide who is told of an event, not what it shows.
func publicSelection(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !publicField(s) {
				return false
			}
		case *ast.InlineFragment:
			if !publicSelection(s.SelectionSet) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || !publicSelection(s.Definition.SelectionSet) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// publicEventFields are the fields of a PersonEvent whose values, or whose
// public parts, are the same for every caller.
var publicEventFields = map[string]bool{"__typename": true, "id": true, "at": true, "commandId": true,
	"cursor": true, "person": true, "followee": true, "interest": true}

func publicField(f *ast.Field) bool {
	if f.Name == "__typename" {
		return true
	}
	if f.ObjectDefinition == nil {
		return false
	}
	switch parent := f.ObjectDefinition; {
	case parent.Name == "Person":
		return f.Name == "id" || f.Name == "name"
	case parent.Name == "Interest":
		return f.Name == "name"
	case parent.Name == "PersonEvent" || slices.Contains(parent.Interfaces, "PersonEvent"):
		return publicEventFields[f.Name] && publicSelection(f.SelectionSet)
	}
	return false
}
