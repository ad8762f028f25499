package gateway

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/propagation"

	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

// withTraceContext continues the caller's trace: the W3C traceparent of
// the request (also of a WebSocket upgrade) becomes the parent of the
// operation spans. Without one, operations start new traces.
func withTraceContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("traceparent") != "" {
			r = r.WithContext(tracing.Propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header)))
		}
		next.ServeHTTP(w, r)
	})
}

// operationTracing gives every GraphQL operation a server span named by
// its type. A query or mutation's span ends with its response; a
// subscription's when it is set up (each delivery has a span of its own).
type operationTracing struct{}

var (
	_ graphql.HandlerExtension     = operationTracing{}
	_ graphql.OperationInterceptor = operationTracing{}
)

func (operationTracing) ExtensionName() string                   { return "OperationTracing" }
func (operationTracing) Validate(graphql.ExecutableSchema) error { return nil }

func (operationTracing) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	rc := graphql.GetOperationContext(ctx)
	opType := metrics.OpUnknown
	if rc.Operation != nil {
		opType = operationType(rc.Operation.Operation)
	}
	ctx, span := tracing.StartOperation(ctx, opType, rc.OperationName)
	h := next(ctx)
	if rc.Operation != nil && rc.Operation.Operation == ast.Subscription {
		span.End()
		return h
	}
	var ended atomic.Bool
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if ended.CompareAndSwap(false, true) {
			if resp != nil && len(resp.Errors) > 0 {
				span.SetAttributes(tracing.ErrorTypeGraphQL)
			}
			span.End()
		}
		return resp
	}
}
