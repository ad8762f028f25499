package resolvers

import (
	"bytes"
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Direct tells how AnswerDirectly dealt with an operation.
type Direct int

const (
	// NotDirect: not a query of compiled reads only; gqlgen executes it.
	NotDirect Direct = iota
	// Answered: the response was written from the compiled reads.
	Answered
	// FellBack: a query of compiled reads only, with something a direct
	// answer does not write exactly as gqlgen would (an error or a null
	// from a handler, a field no plan covers); gqlgen executes it.
	FellBack
)

// directRoot is one compiled root field of a direct answer and its read.
type directRoot struct {
	query rootQuery
	plan  store.PersonPlan
	keys  *gqlmodel.PlanKeys
	read  *store.PersonRead
}

// AnswerDirectly answers a query whose root fields are all compiled reads
// (person, me; __typename besides) without gqlgen's per-field execution:
// it plans each root as its resolver does, reads it through the same
// query handler of the application (the authorization table, blocked and
// deleted persons: all theirs), and writes the response data from the
// read, walking the operation's selection with gqlgen's CollectFields. The
// data is byte for byte what gqlgen's execution writes for the same
// request (direct_compare_test.go compares them).
//
// It takes only the plain path. Anything else (an error or a null from
// a handler, a field no plan covers, introspection, @defer, a panic) is
// NotDirect or FellBack, and the caller lets gqlgen execute the whole
// operation, which reads again and reports what went wrong as it always
// did. ctx carries the operation (graphql.GetOperationContext).
func (r *Resolver) AnswerDirectly(ctx context.Context) (*graphql.Response, Direct) {
	op := graphql.GetOperationContext(ctx)
	s, roots, how := directRoots(op)
	if how != Answered {
		return nil, how
	}
	if !r.readRoots(ctx, roots) {
		return nil, FellBack
	}
	data, ok := r.writeRoots(ctx, s, roots)
	if !ok {
		return nil, FellBack
	}
	return &graphql.Response{Data: data}, Answered
}

// writeRoots writes the data of the answer: the root object of shape s.
func (r *Resolver) writeRoots(ctx context.Context, s shape, roots []directRoot) (data []byte, ok bool) {
	defer r.recovered(ctx, &ok)
	w := answerWriters.Get().(*answerWriter)
	w.ctx = ctx
	w.buf.Reset()
	defer func() {
		w.ctx = nil
		if w.buf.Cap() <= maxPooledAnswer {
			answerWriters.Put(w)
		}
	}()
	ok = w.object(s, func(f *shapeField) bool {
		rt := &roots[f.root]
		return f.kind == rootPerson && w.person(prefetched(ctx, *rt.read, rt.keys), f.sub)
	})
	return bytes.Clone(w.buf.Bytes()), ok
}

// answerWriters keep their buffers: an answer grown from nothing
// allocated twice its size on the way, a third of the gateway's
// allocations on a nested read; one copy of the exact size is less.
// A buffer over maxPooledAnswer, a rare large answer's, is not kept.
var answerWriters = sync.Pool{New: func() any { return new(answerWriter) }}

const maxPooledAnswer = 256 << 10

// directRoots compiles the root selection of op: Answered when every root
// field is person, me or __typename (and one at least is a person) and
// their selections are all a direct answer writes.
func directRoots(op *graphql.OperationContext) (shape, []directRoot, Direct) {
	if op == nil || op.Operation == nil || op.Operation.Operation != ast.Query {
		return nil, nil, NotDirect
	}
	fields := graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"})
	compiled := 0
	for _, f := range fields {
		switch f.Name {
		case "person", "me":
			compiled++
		case "__typename":
		default:
			return nil, nil, NotDirect // other roots, introspection
		}
	}
	if compiled == 0 {
		return nil, nil, NotDirect
	}
	c := shapeCompiler{op: op}
	roots := make([]directRoot, 0, compiled)
	s, ok := c.object(op.Operation.SelectionSet, "Query", nil, func(f graphql.CollectedField, sf *shapeField) bool {
		q := rootQuery{me: f.Name == "me"}
		if !q.me {
			var err error
			if q.id, err = rootID(op, f); err != nil {
				return false
			}
		}
		plan, keys := planSelection(op, f.Selections)
		sf.kind, sf.root = rootPerson, len(roots)
		roots = append(roots, directRoot{query: q, plan: plan, keys: keys})
		var ok bool
		sf.sub, ok = c.person(f.Selections, keys)
		return ok
	})
	if !ok {
		return nil, nil, FellBack
	}
	return s, roots, Answered
}

// rootID is the id argument of Query.person as gqlgen's generated code
// reads it (an absent argument is "").
func rootID(op *graphql.OperationContext, f graphql.CollectedField) (string, error) {
	v, ok := f.ArgumentMap(op.Variables)["id"]
	if !ok {
		return "", nil
	}
	return graphql.UnmarshalID(v)
}

// readRoots reads every root, concurrently as gqlgen resolves root
// fields; false unless each has a person.
func (r *Resolver) readRoots(ctx context.Context, roots []directRoot) bool {
	ok := make([]bool, len(roots))
	var wg sync.WaitGroup
	for i := 1; i < len(roots); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok[i] = r.readRoot(ctx, &roots[i])
		}()
	}
	ok[0] = r.readRoot(ctx, &roots[0])
	wg.Wait()
	return !slices.Contains(ok, false)
}

func (r *Resolver) readRoot(ctx context.Context, rt *directRoot) (ok bool) {
	defer r.recovered(ctx, &ok)
	read, err := rt.query.read(ctx, r.App, rt.plan)
	rt.read = read
	return err == nil && read != nil
}

// recovered, deferred, turns a panic into a fallback: gqlgen then executes
// the operation and reports the panic as it reports a resolver's.
func (r *Resolver) recovered(ctx context.Context, ok *bool) {
	if v := recover(); v != nil {
		r.Log.ErrorContext(ctx, "direct answer failed; executing the operation instead", "panic", v)
		*ok = false
	}
}
