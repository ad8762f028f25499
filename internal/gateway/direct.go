package gateway

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/resolvers"
)

// directAnswers answers the queries of compiled reads only (person, me)
// from their read, without gqlgen's field-by-field execution
// (resolvers.Resolver.AnswerDirectly); every other operation, and any such
// query the direct answer does not take, goes on to gqlgen.
//
// It is the innermost operation middleware, so everything before an
// operation runs has run: the parser, validation, APQ and the limits
// (operation parameter and context mutators, before any operation
// middleware), then the request metrics, the operation span and the
// erased-person refusal around it. A direct answer has no errors to
// present, and reads through no loader: the response middlewares (the
// per-request loaders, the metrics of refused requests, subscription ends)
// have nothing to do for it, and it skips them. A field middleware
// (AroundFields) would not see its fields either: add one only with a
// check here.
func directAnswers(r *resolvers.Resolver) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		resp, how := r.AnswerDirectly(ctx)
		switch how {
		case resolvers.Answered:
			metrics.DirectAnswer(true)
			return graphql.OneShot(resp)
		case resolvers.FellBack:
			metrics.DirectAnswer(false)
		}
		return next(ctx)
	}
}
