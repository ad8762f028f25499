package gateway

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/interestgraph/interestgraph/resolvers"
)

// streamEnds turns a subscription's early end into an error event: each
// subscription operation gets a place for the reason (resolvers.WithStreamEnd),
// and the response without data that the stream sends last is replaced by
// the error, carrying the cursor to resume after.
type streamEnds struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = streamEnds{}

func (streamEnds) ExtensionName() string                   { return "StreamEnds" }
func (streamEnds) Validate(graphql.ExecutableSchema) error { return nil }

func (streamEnds) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		ctx = resolvers.WithStreamEnd(ctx)
	}
	return next(ctx)
}

func (streamEnds) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	// Only the empty value sent last has no data; an event sent before the
	// end was recorded keeps its own response.
	if end := resolvers.StreamEnd(ctx); end != nil && noData(resp.Data) {
		ext := map[string]any{"code": CodeFellBehind, "cursor": end.Cursor}
		if !end.Behind {
			ext["code"], ext["retryable"] = CodeUnavailable, true
		}
		return &graphql.Response{Errors: gqlerror.List{{Message: end.Error(), Extensions: ext}}}
	}
	return resp
}

// noData reports whether a subscription response carries no event: null,
// or its one field null.
func noData(data json.RawMessage) bool {
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return true
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return false
	}
	for _, v := range fields {
		if !bytes.Equal(v, []byte("null")) {
			return false
		}
	}
	return true
}
