package gateway

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/internal/metrics"
)

// requestMetrics counts and times GraphQL operations. An operation is
// recorded at its first response (a subscription at its first event or
// error); a request refused before it became an operation (unparsable,
// invalid, too costly) is recorded as operation type "unknown". Labels are
// the operation type and ok/error, never the operation's name.
type requestMetrics struct{}

var (
	_ graphql.HandlerExtension     = requestMetrics{}
	_ graphql.OperationInterceptor = requestMetrics{}
	_ graphql.ResponseInterceptor  = requestMetrics{}
)

func (requestMetrics) ExtensionName() string                   { return "RequestMetrics" }
func (requestMetrics) Validate(graphql.ExecutableSchema) error { return nil }

// Pre-resolved series: the hot path does no label lookups.
var (
	opTypes   = [...]string{metrics.OpQuery, metrics.OpMutation, metrics.OpSubscription, metrics.OpUnknown}
	requestOK = newRequestSeries(metrics.OutcomeOK)
	requestKO = newRequestSeries(metrics.OutcomeError)
)

func newRequestSeries(outcome string) map[string]metrics.RequestSeries {
	m := make(map[string]metrics.RequestSeries, len(opTypes))
	for _, op := range opTypes {
		m[op] = metrics.NewRequestSeries(op, outcome)
	}
	return m
}

func record(opType string, resp *graphql.Response, d time.Duration) {
	if outcome(resp) == metrics.OutcomeOK {
		requestOK[opType].Observe(d)
	} else {
		requestKO[opType].Observe(d)
	}
}

func (requestMetrics) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	rc := graphql.GetOperationContext(ctx)
	opType, start := metrics.OpUnknown, rc.Stats.OperationStart
	if start.IsZero() {
		start = time.Now()
	}
	if rc.Operation != nil {
		opType = operationType(rc.Operation.Operation)
	}
	h := next(ctx)
	var recorded atomic.Bool
	return func(ctx context.Context) *graphql.Response {
		resp := h(context.WithValue(ctx, recordedKey{}, true))
		if recorded.CompareAndSwap(false, true) {
			record(opType, resp, time.Since(start))
		}
		return resp
	}
}

// recordedKey marks the responses of operations InterceptOperation records.
type recordedKey struct{}

// InterceptResponse records the responses InterceptOperation does not see:
// requests refused by parsing or validation (executor.DispatchError).
func (requestMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if ctx.Value(recordedKey{}) != nil {
		return next(ctx)
	}
	start := time.Now()
	resp := next(ctx)
	record(metrics.OpUnknown, resp, time.Since(start))
	return resp
}

func operationType(op ast.Operation) string {
	switch op {
	case ast.Query:
		return metrics.OpQuery
	case ast.Mutation:
		return metrics.OpMutation
	case ast.Subscription:
		return metrics.OpSubscription
	}
	return metrics.OpUnknown
}

// outcome is "error" when the response carries any error. A subscription
// that ends before its first event (the client left) answers nil: ok.
func outcome(resp *graphql.Response) string {
	if resp != nil && len(resp.Errors) > 0 {
		return metrics.OutcomeError
	}
	return metrics.OutcomeOK
}
