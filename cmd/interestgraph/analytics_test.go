package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/analytics"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestAnalyticsCommand: the subcommand lists the pack without a database,
// describes a query, refuses bad input before connecting, and runs a
// query against the real Neo4j in each format.
func TestAnalyticsCommand(t *testing.T) {
	out, err := runOut(t, "analytics")
	if err != nil || !strings.Contains(out, "most-followed") || !strings.Contains(out, "ledger-check") || strings.Contains(out, "influence.gds") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	out, err = runOut(t, "analytics", "clustering", "-h")
	if err != nil || !strings.Contains(out, "max_neighbours") || !strings.Contains(out, "Cost:") {
		t.Fatalf("describe: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"analytics", "most-followed", "-param", "limit=0"},
		{"analytics", "most-followed", "-param", "nope=1"},
		{"analytics", "clustering"}, // person is required
		{"analytics", "nope"},
	} {
		if _, err := runOut(t, args...); !errors.Is(err, analytics.ErrBadParam) {
			t.Errorf("%v: %v", args, err)
		}
	}
	for _, args := range [][]string{
		{"analytics", "top-interests", "-format", "xml"},
		{"analytics", "-param", "limit=1"},
		{"analytics", "top-interests", "-param", "limit=1", "-param", "limit=2"},
		{"analytics", "top-interests", "extra"},
		{"analytics", "top-interests", "-timeout", "2h"},
	} {
		if _, err := runOut(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}

	srv := testsupport.Neo4jServer(t)
	t.Setenv("NEO4J_URI", srv.URI)
	t.Setenv("NEO4J_USER", srv.User)
	t.Setenv("NEO4J_PASSWORD", srv.Password)
	scope := "scope=anl-none-" + testsupport.Unique()
	out, err = runOut(t, "analytics", "reciprocity", "-param", scope, "-format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var res analytics.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res.Rows) != 1 || res.Rows[0][0] != float64(0) || res.Rows[0][3] != nil || strings.Join(res.Columns, ",") != "follows,reciprocated,mutual_pairs,reciprocity" {
		t.Errorf("json: %+v", res)
	}
	out, err = runOut(t, "analytics", "reciprocity", "-param", scope, "-format", "csv")
	if err != nil || out != "follows,reciprocated,mutual_pairs,reciprocity\n0,0,0,\n" {
		t.Errorf("csv: %v %q", err, out)
	}
	out, err = runOut(t, "analytics", "most-followed", "-param", scope)
	if err != nil || !strings.Contains(out, "followers") || !strings.Contains(out, "(0 rows)") {
		t.Errorf("table: %v %q", err, out)
	}
}
