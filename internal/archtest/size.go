package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Size limits of hand-written production code: a file a newcomer reads in
// one sitting, a function that fits on a screen or two.
const (
	MaxFunctionLines   = 80
	MaxMedianFileLines = 150
)

// LongFunctions returns the functions of one Go source file longer than
// max lines, as "name (n lines)".
func LongFunctions(name string, src []byte, max int) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	var long []string
	ast.Inspect(f, func(n ast.Node) bool {
		fd, ok := n.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			return true
		}
		if lines := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; lines > max {
			long = append(long, fmt.Sprintf("%s (%d lines)", fd.Name.Name, lines))
		}
		return false
	})
	return long, nil
}

// HandWritten reports whether a file counts towards the size limits: Go
// production code that no generator wrote and no test alone uses.
func HandWritten(path string, src []byte) bool {
	if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
		return false
	}
	head := src[:min(len(src), 512)]
	return !strings.Contains(string(head), "Code generated") && !strings.Contains(string(head), "DO NOT EDIT")
}
