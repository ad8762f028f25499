package gateway

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one request may ask for, so that an expensive request
// is refused before it reaches the store.
type Limits struct {
	MaxDepth       int // nesting of selections
	MaxComplexity  int // complexity (see weights), lists weighted by their page size
	MaxRootFields  int // root fields (aliases included) per operation
	MaxCredentials int // register/login fields per operation
	MaxTokens      int // parser tokens
	MaxBodyBytes   int64
}

// DefaultLimits are on unless configured otherwise.
var DefaultLimits = Limits{MaxDepth: 12, MaxComplexity: 5000, MaxRootFields: 20, MaxCredentials: 1, MaxTokens: 10000, MaxBodyBytes: 1 << 20}

// queryLimit refuses operations that are too deep, have too many root
// fields, more than one credential check per request (hundreds of aliased
// login attempts in one request would dodge per-request limits), or are
// too complex. One analysis, linear in the document, gives all four
// figures: gqlgen's complexity calculator walks a fragment again at every
// spread, which made a 1 KB request cost seconds.
type queryLimit struct {
	l      Limits
	schema *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &queryLimit{}

func (*queryLimit) ExtensionName() string { return "QueryLimit" }

func (q *queryLimit) Validate(es graphql.ExecutableSchema) error {
	q.schema = es.Schema()
	return nil
}

func (q *queryLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	a := analyse(q.schema, oc.Doc, oc.Operation, oc.Variables)
	// Where gqlgen's calculator put it, for anything that reads it.
	oc.Stats.SetExtension("ComplexityLimit", &extension.ComplexityStats{Complexity: a.complexity, ComplexityLimit: q.l.MaxComplexity})
	// The shape checks first: their messages are the more specific.
	switch {
	case a.depth > q.l.MaxDepth:
		return limitError(fmt.Sprintf("query depth %d exceeds the limit of %d", a.depth, q.l.MaxDepth))
	case a.rootFields > q.l.MaxRootFields:
		return limitError(fmt.Sprintf("%d root fields exceed the limit of %d", a.rootFields, q.l.MaxRootFields))
	case a.signIns > q.l.MaxCredentials:
		return limitError(fmt.Sprintf("at most %d sign-in (register, login, loginWithIdToken, refreshToken) per request", q.l.MaxCredentials))
	case a.complexity > q.l.MaxComplexity:
		return limitError(fmt.Sprintf("operation has complexity %d, which exceeds the limit of %d", a.complexity, q.l.MaxComplexity))
	case a.introspectionAliases:
		return limitError("aliases are not allowed inside __schema or __type: ask for each introspection field once")
	}
	return nil
}

func limitError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeTooComplex}}
}
