package resolvers

import (
	"bytes"
	"math"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// The direct answers write strings and ints themselves; the bytes must
// be gqlgen's (direct_compare_test.go compares whole answers, this every
// byte a string may hold).
func FuzzStringsAreWrittenAsGQLGenWritesThem(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\there\r\n", "\x00\x01\x1f\x7f",
		"é ü 日本 🎉", "\u2028\u2029", "<b>&amp;</b>", "\xff\xfe invalid \xe2\"", "\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		graphql.MarshalString(s).MarshalGQL(&want)
		var w answerWriter
		w.str(s)
		if !bytes.Equal(w.buf.Bytes(), want.Bytes()) {
			t.Fatalf("%q: wrote %q, gqlgen writes %q", s, w.buf.Bytes(), want.Bytes())
		}
	})
}

func TestIntsAreWrittenAsGQLGenWritesThem(t *testing.T) {
	for _, n := range []int{0, 1, -1, 42, 1_000_000, math.MaxInt64, math.MinInt64} {
		var want bytes.Buffer
		graphql.MarshalInt(n).MarshalGQL(&want)
		var w answerWriter
		w.buf.WriteString("x") // AvailableBuffer appends after what is there
		w.int(n)
		if got := w.buf.String(); got != "x"+want.String() {
			t.Fatalf("%d: wrote %q, gqlgen writes %q", n, got, want.String())
		}
	}
}
