package domain

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// declaredCommandTypes returns the CommandType constants declared in the
// package's source (its non-test files), by value, with their names.
func declaredCommandTypes(t *testing.T) map[CommandType]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := map[CommandType]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if v, ok := commandTypeValue(t, fset, vs, i); ok {
					found[v] = id.Name
				}
			}
			return false
		})
	}
	return found
}

// commandTypeValue returns the value of the i-th name of vs if it is a
// CommandType constant: `X CommandType = "…"` or `X = CommandType("…")`.
func commandTypeValue(t *testing.T, fset *token.FileSet, vs *ast.ValueSpec, i int) (CommandType, bool) {
	t.Helper()
	typed := isIdent(vs.Type, "CommandType")
	var val ast.Expr
	if i < len(vs.Values) {
		val = vs.Values[i]
	}
	if call, ok := val.(*ast.CallExpr); ok && isIdent(call.Fun, "CommandType") && len(call.Args) == 1 {
		typed, val = true, call.Args[0]
	}
	if !typed {
		return "", false
	}
	lit, ok := val.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		t.Fatalf("%s: %s is a CommandType this test cannot read; give it a string literal", fset.Position(vs.Pos()), vs.Names[i].Name)
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		t.Fatal(err)
	}
	return CommandType(s), true
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// TestEveryCommandTypeIsRegistered: a CommandType constant that is not in
// the registry would be refused by DecodeCommand and never decided.
func TestEveryCommandTypeIsRegistered(t *testing.T) {
	declared := declaredCommandTypes(t)
	if len(declared) < 14 {
		t.Fatalf("found only %d CommandType constants: %v", len(declared), declared)
	}
	for v, name := range declared {
		if _, ok := commands[v]; !ok {
			t.Errorf("%s (%q) is not in the registry (commands.go)", name, v)
		}
	}
	for v := range commands {
		if _, ok := declared[v]; !ok {
			t.Errorf("the registry holds %q, which no CommandType constant declares", v)
		}
	}
}

// TestUnknownCommandType: not decoded, and decided (for a consumer that
// somehow gets one) as INVALID_PAYLOAD, touching only the actor.
func TestUnknownCommandType(t *testing.T) {
	a := NewID()
	cmd, _ := NewCommand("DropDatabase", a, FollowPayload{PersonID: NewID()}, time.Now())
	raw, _ := json.Marshal(cmd)
	if _, err := DecodeCommand(raw); err == nil {
		t.Error("DecodeCommand accepted an unknown type")
	}
	s := fakeState{persons: map[string]bool{a: true}}
	if out, err := Decide(context.Background(), s, cmd, time.Now()); err != nil || out.Reason != ReasonInvalidPayload {
		t.Errorf("known actor: %+v, %v", out, err)
	}
	cmd.Actor = NewID()
	if out, err := Decide(context.Background(), s, cmd, time.Now()); err != nil || out.Reason != ReasonActorNotFound {
		t.Errorf("unknown actor: %+v, %v", out, err)
	}
	if ps, is := Touches(cmd); len(ps) != 1 || is != nil || Pair(cmd) != nil {
		t.Errorf("touches %v %v", ps, is)
	}
}
