package gateway

import (
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
)

// A document gqlgen validated passed the cap when it came first, so the
// cap does not parse it again; one it did not validate is counted.
func TestSelectionCapTrustsOnlyValidatedDocuments(t *testing.T) {
	ctx := context.Background()
	over := "{ me { " + strings.Repeat("id ", maxSelections+1) + "} }"
	validated := lru.New[*ast.QueryDocument](10)
	c := selectionCap{maxTokens: 1 << 20, validated: validated}
	if err := c.MutateOperationParameters(ctx, &graphql.RawParams{Query: over}); err == nil {
		t.Fatal("a document over the cap, not validated: accepted")
	}
	validated.Add(ctx, over, &ast.QueryDocument{})
	if err := c.MutateOperationParameters(ctx, &graphql.RawParams{Query: over}); err != nil {
		t.Fatalf("a validated document was parsed and counted again: %v", err)
	}
	if err := c.MutateOperationParameters(ctx, &graphql.RawParams{Query: over + " "}); err == nil {
		t.Fatal("another text than the validated one: accepted")
	}
}
