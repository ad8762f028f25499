package analytics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

type packCase struct {
	query  string
	params map[string]string // scope is added
	rows   [][]string        // cells as printed, fixture prefix removed; "*" matches anything
}

// packCases hold the hand-checked answers on the fixture (see fixture_test.go).
var packCases = []packCase{
	{"degree-distribution", nil, [][]string{{"in", "0", "2"}, {"in", "1", "1"}, {"in", "2", "1"}, {"in", "4", "1"}, {"out", "1", "3"}, {"out", "2", "2"}}},
	{"most-followed", nil, [][]string{{"a", "A", "4"}, {"c", "C", "2"}, {"b", "B", "1"}}},
	{"most-followed", map[string]string{"limit": "1"}, [][]string{{"a", "A", "4"}}},
	// a gained d and e a day ago (2 before), c gained b two days ago (1 before).
	{"fastest-growing", nil, [][]string{{"a", "A", "2", "4", "1"}, {"c", "C", "1", "2", "1"}}},
	{"fastest-growing", map[string]string{"days": "1"}, nil}, // d and e followed just over a day ago
	// 7 follows; a↔b and a↔c are followed back: 4 of 7.
	{"reciprocity", nil, [][]string{{"7", "4", "2", "0.5714"}}},
	// a's ties: b, c, d, e (6 pairs), of which only b–c are tied: 1/6.
	{"clustering", map[string]string{"person": "a"}, [][]string{{"a", "A", "4", "1", "0.1667", "false"}}},
	{"clustering", map[string]string{"person": "b"}, [][]string{{"b", "B", "2", "1", "1", "false"}}},
	{"clustering", map[string]string{"person": "d"}, [][]string{{"d", "D", "1", "0", "", "false"}}},
	{"clustering", map[string]string{"person": "a", "max_neighbours": "2"}, [][]string{{"a", "A", "2", "1", "1", "true"}}},
	// a {x y z}: d {x y z} 3/3, b {x y} 2/3, c {z} 1/3, e shares none.
	{"similar-by-interests", map[string]string{"person": "a"}, [][]string{{"d", "D", "3", "1"}, {"b", "B", "2", "0.6667"}, {"c", "C", "1", "0.3333"}}},
	// d follows {a}: c {a} and e {a} 1/1, b {a c} 1/2.
	{"similar-by-neighbourhood", map[string]string{"person": "d"}, [][]string{{"c", "C", "1", "1"}, {"e", "E", "1", "1"}, {"b", "B", "1", "0.5"}}},
	{"interest-cooccurrence", nil, [][]string{{"x", "y", "3"}, {"x", "z", "2"}, {"y", "z", "2"}, {"v", "w", "1"}}},
	{"interest-cooccurrence", map[string]string{"min_persons": "3"}, [][]string{{"x", "y", "3"}}},
	{"top-interests", nil, [][]string{{"x", "3"}, {"y", "3"}, {"z", "3"}, {"v", "1"}, {"w", "1"}}},
	{"interest-communities", nil, [][]string{{"x", "3", `["x","y","z"]`}, {"v", "2", `["v","w"]`}}},
	// x–y is held by 3, x–z and y–z by 2: with min_persons 3 z stands alone.
	{"interest-communities", map[string]string{"min_persons": "3"}, [][]string{{"x", "2", `["x","y"]`}, {"v", "1", `["v"]`}, {"w", "1", `["w"]`}, {"z", "1", `["z"]`}}},
	// PageRank, damping 0.85, 20 iterations, computed by hand (a script):
	// d and e have no followers and keep only the teleport share 0.15/5.
	{"influence", nil, [][]string{
		{"a", "A", "0.427085", "cypher-power-iteration"}, {"c", "C", "0.301404", "cypher-power-iteration"},
		{"b", "B", "0.211511", "cypher-power-iteration"}, {"d", "D", "0.03", "cypher-power-iteration"}, {"e", "E", "0.03", "cypher-power-iteration"},
	}},
	{"coin-flows", nil, [][]string{
		{"sent", "a", "A", "50", "2"}, {"sent", "d", "D", "10", "1"}, {"sent", "b", "B", "5", "1"},
		{"received", "b", "B", "30", "1"}, {"received", "c", "C", "25", "2"}, {"received", "a", "A", "10", "1"},
	}},
	// Five grants of 100, balances summing to 499: e holds 99 of its 100.
	{"ledger-check", nil, [][]string{{"supply = sum of balances", "", "500", "499", "false"}, {"balance = received - sent", "e", "100", "99", "false"}}},
	// Weeks back: follows 60 days ago (week 8), registrations 40 (week 5),
	// 10 (week 1) and 1 day ago (week 0) with three follows.
	{"growth", nil, [][]string{{"*", "*", "0", "4"}, {"*", "*", "3", "0"}, {"*", "*", "1", "0"}, {"*", "*", "1", "3"}}},
	{"growth", map[string]string{"periods": "2"}, [][]string{{"*", "*", "1", "0"}, {"*", "*", "1", "3"}}},
}

func testRunner(t *testing.T) Runner {
	t.Helper()
	srv := testsupport.Neo4jServer(t)
	drv, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth(srv.User, srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drv.Close(context.Background()) })
	return Runner{Driver: drv}
}

// TestPackOnFixture runs every query of the pack on the real Neo4j against
// the fixture and compares each row with the hand-checked answer.
func TestPackOnFixture(t *testing.T) {
	r := testRunner(t)
	f := newFixture(t, r.Driver)
	tested := map[string]bool{}
	for _, c := range packCases {
		tested[c.query] = true
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		got := runCase(ctx, t, r, f, c)
		cancel()
		if !sameRows(got, c.rows) {
			t.Errorf("%s %v:\n got %q\nwant %q", c.query, c.params, got, c.rows)
		}
	}
	qs, _ := All()
	for _, q := range qs {
		if q.VariantOf == "" && !tested[q.Name] {
			t.Errorf("%s has no hand-checked case", q.Name)
		}
	}
}

func runCase(ctx context.Context, t *testing.T, r Runner, f fixture, c packCase) [][]string {
	t.Helper()
	q, err := r.Resolve(ctx, c.query)
	if err != nil {
		t.Fatal(err)
	}
	given := map[string]string{}
	for k, v := range c.params {
		if k == "person" {
			v = f.pre + v
		}
		given[k] = v
	}
	if _, ok := given["person"]; !ok || c.query != "clustering" {
		given["scope"] = f.pre
	}
	params, err := q.Bind(given)
	if err != nil {
		t.Fatalf("%s: %v", c.query, err)
	}
	res, err := r.Run(ctx, q, params)
	if err != nil {
		t.Fatalf("%s: %v", c.query, err)
	}
	var rows [][]string
	for _, row := range res.Rows {
		cs := cells(row)
		for i := range cs {
			cs[i] = strings.ReplaceAll(cs[i], f.pre, "")
		}
		rows = append(rows, cs)
	}
	return rows
}

func sameRows(got, want [][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			if want[i][j] != "*" && got[i][j] != want[i][j] {
				return false
			}
		}
	}
	return true
}

// TestRunIsReadOnly: the runner's transactions are read access mode, so
// a statement that writes (an edited or hostile .cypher file) is refused
// by the server and changes nothing.
func TestRunIsReadOnly(t *testing.T) {
	r := testRunner(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Parse("write", "// writes\n// @cost one node\n// @param id string required 1..100 id\nCREATE (p:Person {id: $id}) RETURN p.id AS id")
	if err != nil {
		t.Fatal(err)
	}
	id := "anl-" + testsupport.Unique() + "-w"
	if _, err := r.Run(ctx, q, map[string]any{"id": id}); err == nil {
		t.Fatal("a write ran")
	}
	res, err := neo4j.ExecuteQuery(ctx, r.Driver, "MATCH (p:Person {id: $id}) DETACH DELETE p RETURN count(*) AS n", map[string]any{"id": id}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.Records[0].Get("n"); n != int64(0) {
		t.Fatal("the write was committed")
	}
}

func TestResolveRefusesUnknownAndVariants(t *testing.T) {
	r := testRunner(t)
	for _, name := range []string{"nope", "influence.gds", "../etc/passwd"} {
		if _, err := r.Resolve(context.Background(), name); !errors.Is(err, ErrBadParam) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestRunTimeoutStopsTheQuery: the server itself stops a query that runs
// past the runner's timeout, so an analyst's runaway question does not
// keep burning the shared database after the client gives up.
func TestRunTimeoutStopsTheQuery(t *testing.T) {
	r := testRunner(t)
	r.Timeout = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Parse("slow", "// slow\n// @cost a billion rows\nUNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = r.Run(ctx, q, nil)
	if err == nil || !strings.Contains(err.Error(), "TimedOut") {
		t.Fatalf("want a server timeout, got %v", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("stopped after %s", d)
	}
}
