package gateway

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// maxSelections bounds the selections (fields, spreads, inline fragments)
// written in one document. Validation (gqlparser's
// OverlappingFieldsCanBeMerged) compares the fields that share a response
// name pairwise, and runs before any analysis of ours: 10,000 copies of one
// field cost seconds of CPU to validate. A thousand selections keep that
// under a few tens of milliseconds and are several times what the full
// introspection query writes.
const maxSelections = 1000

// selectionCap refuses documents with too many selections before gqlgen
// validates them. It parses the query itself (linear, bounded by the
// parser's token limit); a query that does not parse is left to gqlgen,
// which answers it with its own error. A query in gqlgen's cache of
// validated documents (validated) passed this cap when it was first sent,
// as every query does before it is validated, and is not parsed again:
// that parse was a tenth of the allocations of a nested read.
type selectionCap struct {
	maxTokens int
	validated graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = selectionCap{}

func (selectionCap) ExtensionName() string                   { return "SelectionCap" }
func (selectionCap) Validate(graphql.ExecutableSchema) error { return nil }

func (c selectionCap) MutateOperationParameters(ctx context.Context, rp *graphql.RawParams) *gqlerror.Error {
	if rp.Query == "" {
		return nil
	}
	if c.validated != nil {
		if _, ok := c.validated.Get(ctx, rp.Query); ok {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: rp.Query}, c.maxTokens)
	if err != nil {
		return nil
	}
	n := 0
	for _, op := range doc.Operations {
		n += countSelections(op.SelectionSet, maxSelections-n)
	}
	for _, f := range doc.Fragments {
		n += countSelections(f.SelectionSet, maxSelections-n)
	}
	if n > maxSelections {
		return limitError(fmt.Sprintf("the document has more than %d selections (fields, spreads and inline fragments)", maxSelections))
	}
	return nil
}

// countSelections counts set's selections at every depth, stopping once
// past budget.
func countSelections(set ast.SelectionSet, budget int) int {
	n := 0
	for _, sel := range set {
		if n > budget {
			return n
		}
		n++
		switch s := sel.(type) {
		case *ast.Field:
			n += countSelections(s.SelectionSet, budget-n)
		case *ast.InlineFragment:
			n += countSelections(s.SelectionSet, budget-n)
		}
	}
	return n
}
