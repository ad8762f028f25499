package analytics

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestPackParses: every file has a summary, a cost and parameters that
// match the statement's, and each variant takes exactly its base query's
// parameters (the runner may swap one for the other).
func TestPackParses(t *testing.T) {
	qs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 12 {
		t.Fatalf("only %d queries", len(qs))
	}
	byName := map[string]Query{}
	for _, q := range qs {
		byName[q.Name] = q
	}
	for _, q := range qs {
		if q.VariantOf == "" {
			continue
		}
		base, ok := byName[q.VariantOf]
		if !ok {
			t.Fatalf("%s: variant of missing %s", q.Name, q.VariantOf)
		}
		if len(base.Params) != len(q.Params) {
			t.Fatalf("%s takes other parameters than %s", q.Name, base.Name)
		}
		for i := range q.Params {
			if q.Params[i] != base.Params[i] {
				t.Errorf("%s: parameter %+v, %s has %+v", q.Name, q.Params[i], base.Name, base.Params[i])
			}
		}
	}
}

func TestHeaderMustMatchStatement(t *testing.T) {
	for name, text := range map[string]string{
		"undeclared": "// s\n// @cost c\nRETURN $x AS x",
		"unused":     "// s\n// @cost c\n// @param x int 1 0..9 d\nRETURN 1",
		"no-cost":    "// s\nRETURN 1",
		"bad-param":  "// s\n// @cost c\n// @param x int one 0..9 d\nRETURN $x",
		"bad-key":    "// s\n// @cost c\n// @limit 3\nRETURN 1",
	} {
		if _, err := Parse(name, text); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

// TestBind: values are typed and bounded; unknown and missing names,
// out-of-range and oversized values are refused with ErrBadParam.
func TestBind(t *testing.T) {
	q, err := Parse("q", "// s\n// @cost c\n// @param n int 10 1..100 d\n// @param f float 0.5 0..1 d\n// @param s string \"\" 0..5 d\n// @param who string required 1..20 d\nRETURN $n, $f, $s, $who")
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.Bind(map[string]string{"who": "a"})
	if err != nil || got["n"] != int64(10) || got["f"] != 0.5 || got["s"] != "" || got["who"] != "a" {
		t.Fatalf("defaults: %v %v", got, err)
	}
	for _, bad := range []map[string]string{
		{},                           // who missing
		{"who": "a", "n": "0"},       // below
		{"who": "a", "n": "1e3"},     // not an int
		{"who": "a", "f": "NaN"},     // not a number in range
		{"who": "a", "s": "toolong"}, // longer than its bound
		{"who": "a", "x": "1"},       // unknown
		{"who": string(make([]byte, 300))},
	} {
		if _, err := q.Bind(bad); !errors.Is(err, ErrBadParam) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

// TestJSONHasNoNaN: Cypher's 0.0/0.0 is NaN, which JSON cannot encode;
// it prints as null instead of failing the whole result.
func TestJSONHasNoNaN(t *testing.T) {
	var b strings.Builder
	res := Result{Query: "q", Columns: []string{"x"}, Rows: [][]any{{plain(math.NaN())}, {plain(math.Inf(1))}}}
	if err := Write(&b, res, "json"); err != nil || strings.Count(b.String(), "null") != 2 {
		t.Fatalf("%v\n%s", err, b.String())
	}
}
