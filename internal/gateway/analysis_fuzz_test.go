package gateway

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// FuzzAnalysis: for any query text the analysis neither panics nor does
// more than one step per selection written, before validation (unknown
// fields, unknown and cyclic fragments) and after it.
func FuzzAnalysis(f *testing.F) {
	f.Add(`{ me { id followers(first: 5) { edges { node { name } } } } }`)
	f.Add("query { ...F0 }\n" + chain("Query", 6, 2, "__typename"))
	f.Add(`{ ...A } fragment A on Query { ...A me { ...B } } fragment B on Person { ...B }`)
	f.Add(`query($n: Int = 3) { me { following(first: $n) { totalCount } } }`)
	f.Add(`mutation { a: login(email: "a", password: "b") { accessToken } b: login(email: "c", password: "d") { accessToken } }`)
	f.Fuzz(func(t *testing.T, query string) {
		doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, DefaultLimits.MaxTokens)
		if err != nil {
			return
		}
		check := func(stage string) {
			for _, op := range doc.Operations {
				a := analyse(testSchema, doc, op, map[string]any{"n": "not a number"})
				if a.steps > selectionCount(doc) {
					t.Fatalf("%s: %d steps for %d selections", stage, a.steps, selectionCount(doc))
				}
				if a.depth < 0 || a.rootFields < 0 || a.signIns < 0 || a.complexity < 0 {
					t.Fatalf("%s: negative figure %+v", stage, a)
				}
			}
		}
		check("unvalidated")
		if errs := validator.Validate(testSchema, doc); len(errs) == 0 {
			check("validated")
		}
	})
}
