package gateway

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/interestgraph/interestgraph/graph"
	"github.com/interestgraph/interestgraph/graph/model"
)

// Limits bound what one request may ask for, so that an expensive request
// is refused before it reaches the store.
type Limits struct {
	MaxDepth       int // nesting of selections
	MaxComplexity  int // gqlgen complexity, lists weighted by their page size
	MaxRootFields  int // root fields (aliases included) per operation
	MaxCredentials int // register/login fields per operation
	MaxTokens      int // parser tokens
	MaxBodyBytes   int64
}

// DefaultLimits are on unless configured otherwise.
var DefaultLimits = Limits{MaxDepth: 12, MaxComplexity: 5000, MaxRootFields: 20, MaxCredentials: 1, MaxTokens: 10000, MaxBodyBytes: 1 << 20}

// complexity weights list fields by the number of items they may return,
// which gqlgen's default (one per field) does not.
func complexity() graph.ComplexityRoot {
	var c graph.ComplexityRoot
	page := func(child int, first *int, def int) int {
		n := def
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	c.Person.Followers = func(child int, first *int, _ *string) int { return page(child, first, 20) }
	c.Person.Following = func(child int, first *int, _ *string) int { return page(child, first, 20) }
	c.Person.Interests = func(child int) int { return 1 + 25*child }
	c.Wallet.Transfers = func(child int, first *int, _ *string) int { return page(child, first, 20) }
	c.Interest.Persons = func(child int, first *int, _ *string) int { return page(child, first, 20) }
	c.Query.RecommendedPeople = func(child int, first *int) int { return page(child, first, 10) }
	c.PersonRecommendation.SharedInterests = func(child int) int { return 1 + 10*child }
	// Password hashing makes these the most expensive fields of all.
	c.Mutation.Login = func(child int, _ string, _ string) int { return 100 + child }
	c.Mutation.Register = func(child int, _ model.RegisterInput) int { return 100 + child }
	return c
}

// shapeLimit refuses operations that are too deep or have too many root
// fields, and more than one credential check per request (hundreds of
// aliased login attempts in one request would dodge per-request limits).
type shapeLimit struct{ l Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (s shapeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if d := depth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); d > s.l.MaxDepth {
		return limitError(fmt.Sprintf("query depth %d exceeds the limit of %d", d, s.l.MaxDepth))
	}
	if n := countNamed(oc.Operation.SelectionSet, oc.Doc.Fragments); n > s.l.MaxRootFields {
		return limitError(fmt.Sprintf("%d root fields exceed the limit of %d", n, s.l.MaxRootFields))
	}
	if oc.Operation.Operation == ast.Mutation && countNamed(oc.Operation.SelectionSet, oc.Doc.Fragments, "login", "register", "loginWithIdToken", "refreshToken") > s.l.MaxCredentials {
		return limitError(fmt.Sprintf("at most %d sign-in (register, login, loginWithIdToken, refreshToken) per request", s.l.MaxCredentials))
	}
	return nil
}

func limitError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeTooComplex}}
}

func depth(set ast.SelectionSet, frags ast.FragmentDefinitionList, level int) int {
	max := level
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = level + 1
			} else {
				d = depth(s.SelectionSet, frags, level+1)
			}
		case *ast.InlineFragment:
			d = depth(s.SelectionSet, frags, level)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = depth(f.SelectionSet, frags, level)
			}
		}
		if d > max {
			max = d
		}
	}
	return max
}

// countNamed counts the root selections of set named one of names (all of
// them when names is empty), following fragments.
func countNamed(set ast.SelectionSet, frags ast.FragmentDefinitionList, names ...string) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(names) == 0 {
				n++
				continue
			}
			for _, name := range names {
				if s.Name == name {
					n++
				}
			}
		case *ast.InlineFragment:
			n += countNamed(s.SelectionSet, frags, names...)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				n += countNamed(f.SelectionSet, frags, names...)
			}
		}
	}
	return n
}
