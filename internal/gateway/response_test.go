package gateway

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseIsJSONMarshal: writeResponse writes every response byte
// for byte as json.Marshal does (the writer gqlgen's transports use),
// escapes included, for data as the executor writes it (compact).
func TestWriteResponseIsJSONMarshal(t *testing.T) {
	yes := true
	rng := rand.New(rand.NewPCG(3, 14))
	cases := []*graphql.Response{
		{},
		{Data: json.RawMessage(`{"person":null}`)},
		{Data: json.RawMessage(`{"a":"<b> & </script> \u2028\u2029 é 🙂 \"q\" \\ \n"}`)},
		{Errors: gqlerror.List{{Message: "no <such> person", Path: ast.Path{ast.PathName("person")},
			Extensions: map[string]any{"code": "NOT_FOUND", "data": nil}}}, Data: json.RawMessage(`{"person":null}`)},
		{Errors: gqlerror.List{{Message: "bad"}}},
		{Data: json.RawMessage(`{"x":1}`), Label: "l", Path: ast.Path{ast.PathName("a"), ast.PathIndex(2)}, HasNext: &yes,
			Extensions: map[string]any{"cost": 3, "html": "<&>"}},
	}
	for range 300 {
		cases = append(cases, &graphql.Response{Data: randomData(rng)})
	}
	cases = append(cases, nil) // a request cancelled before it ran
	for _, resp := range cases {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		writeResponse(rec, resp)
		if got := rec.Body.Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("writeResponse\n got %s\nwant %s", got, want)
		}
		if n := rec.Header().Get("Content-Length"); resp != nil && n != strconv.Itoa(len(want)) {
			t.Fatalf("Content-Length %q for %d bytes", n, len(want))
		}
	}
}

// randomData is data as the executor writes it: compact, its strings
// written by gqlgen's own string marshaler (which leaves <, >, & and line
// separators as they are), mixing escapes, HTML characters, line
// separators and multi-byte runes.
func randomData(rng *rand.Rand) json.RawMessage {
	pieces := []string{"a", "<", ">", "&", "\u2028", "\u2029", "\u2027", "é", "🙂", `"`, `\`, "\n", "\x01", " "}
	var b bytes.Buffer
	b.WriteString(`{"person":{`)
	for i := range 1 + rng.IntN(5) {
		if i > 0 {
			b.WriteByte(',')
		}
		var s string
		for range rng.IntN(12) {
			s += pieces[rng.IntN(len(pieces))]
		}
		b.WriteString(`"f` + string(rune('a'+i)) + `":[`)
		graphql.MarshalString(s).MarshalGQL(&b)
		b.WriteString(`,` + string(rune('0'+rng.IntN(10))) + `,null]`)
	}
	b.WriteString(`}}`)
	if !json.Valid(b.Bytes()) {
		panic(b.String())
	}
	return b.Bytes()
}
