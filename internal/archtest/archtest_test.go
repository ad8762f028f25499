package archtest

import (
	"slices"
	"strings"
	"testing"
)

// TestModuleFollowsImportRules is the check itself: every package of the
// module, by its production imports (tests may import what they need).
func TestModuleFollowsImportRules(t *testing.T) {
	dir, module := moduleRoot(t)
	pkgs := listPackages(t, dir, "./...")
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages; the check would prove nothing", len(pkgs))
	}
	for _, v := range Check(module, pkgs) {
		t.Error(v)
	}
}

const mod = "example.org/m"

// clean is a synthetic module that follows the rules and uses every
// recorded exception once, so that Check reports nothing for it.
func clean() []Package {
	pkgs := []Package{
		{ImportPath: mod + "/internal/domain", Imports: []string{"fmt"}},
		{ImportPath: mod + "/internal/store", Imports: []string{mod + "/internal/domain"}},
		{ImportPath: mod + "/internal/store/neo4jstore", Imports: []string{
			mod + "/internal/store", "github.com/neo4j/neo4j-go-driver/v5/neo4j"}},
		{ImportPath: mod + "/resolvers", Imports: []string{mod + "/graph", mod + "/internal/store"}},
		{ImportPath: mod + "/graph", Imports: []string{mod + "/graph/model"}},
		{ImportPath: mod + "/graph/model", Imports: nil},
		{ImportPath: mod + "/internal/feeds", Imports: []string{
			mod + "/internal/app", mod + "/internal/bus", mod + "/internal/hub", "github.com/segmentio/kafka-go"}},
		{ImportPath: mod + "/cmd/interestgraph", Imports: []string{
			mod + "/internal/config", mod + "/resolvers", mod + "/internal/store/neo4jstore", mod + "/internal/feeds"}},
	}
	for _, e := range Exceptions {
		to := e.To
		if !strings.Contains(to, ".") {
			to = mod + "/" + to
		}
		pkgs = append(pkgs, Package{ImportPath: mod + "/" + e.From, Imports: []string{to}})
	}
	return pkgs
}

func TestCheckAcceptsCleanModule(t *testing.T) {
	if got := Check(mod, clean()); len(got) != 0 {
		t.Fatalf("violations in a clean module: %v", got)
	}
}

// TestCheckCatchesWrongImports adds one deliberately wrong import at a time
// to the clean module and expects exactly that violation.
func TestCheckCatchesWrongImports(t *testing.T) {
	cases := []struct {
		name, from, imp, want string
	}{
		{"domain imports the store", "internal/domain", mod + "/internal/store", "domain may not import application"},
		{"app imports an adapter", "internal/app", mod + "/internal/store/neo4jstore", "application may not import adapter"},
		{"app imports a transport", "internal/app", mod + "/resolvers", "application may not import transport"},
		{"adapter imports another adapter", "internal/hub", mod + "/internal/bus", "adapter may not import adapter"},
		{"adapter imports a transport", "internal/bus", mod + "/internal/gateway", "adapter may not import transport"},
		{"resolvers import the Neo4j store", "resolvers", mod + "/internal/store/neo4jstore", "transport may not import adapter"},
		{"resolvers speak Bolt", "resolvers", "github.com/neo4j/neo4j-go-driver/v5/neo4j", "may not import the driver"},
		{"gateway speaks Kafka", "internal/gateway", "github.com/segmentio/kafka-go", "may not import the driver"},
		{"service links plotting", "internal/gateway", "gonum.org/v1/plot/vg", "may not import the driver"},
		{"gateway reads config", "internal/gateway", mod + "/internal/config", "transport may not import config"},
		{"production imports a test helper", "internal/store/memory", mod + "/internal/testsupport", "adapter may not import testsupport"},
		{"nothing imports cmd", "internal/gateway", mod + "/cmd/interestgraph", "transport may not import cmd"},
		{"a transport imports a feed", "resolvers", mod + "/internal/feeds", "transport may not import feed"},
		{"an adapter imports a feed", "internal/hub", mod + "/internal/feeds", "adapter may not import feed"},
		{"a feed imports a transport", "internal/feeds", mod + "/internal/gateway", "feed may not import transport"},
		{"a feed reads config", "internal/feeds", mod + "/internal/config", "feed may not import config"},
		{"new package without a layer", "internal/newthing", "fmt", "package has no layer"},
		{"import of a package without a layer", "internal/app", mod + "/internal/newthing", "imported package has no layer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pkgs := append(clean(), Package{ImportPath: mod + "/" + c.from, Imports: []string{c.imp}})
			got := Check(mod, pkgs)
			if len(got) != 1 || got[0].From != c.from || !strings.Contains(got[0].Reason, c.want) {
				t.Fatalf("Check = %v, want one violation from %s saying %q", got, c.from, c.want)
			}
		})
	}
}

// TestCheckReportsStaleExceptions: a recorded exception allows its import,
// and one whose import is gone must be deleted, so the table stays a true
// list of what is left to fix. The table is empty today, so the test
// records one of its own.
func TestCheckReportsStaleExceptions(t *testing.T) {
	saved := Exceptions
	t.Cleanup(func() { Exceptions = saved })
	Exceptions = []Exception{{From: "resolvers", To: "internal/hub", Why: "a test's"}}
	if got := Check(mod, clean()); len(got) != 0 {
		t.Fatalf("a recorded exception was reported: %v", got)
	}
	first := Exceptions[0]
	pkgs := slices.DeleteFunc(clean(), func(p Package) bool {
		return p.ImportPath == mod+"/"+first.From
	})
	got := Check(mod, pkgs)
	if len(got) == 0 {
		t.Fatal("a stale exception went unreported")
	}
	for _, v := range got {
		if v.From != first.From || !strings.Contains(v.Reason, "no longer happens") {
			t.Errorf("unexpected violation %v", v)
		}
	}
}

func TestLayerOfLongestMatch(t *testing.T) {
	for rel, want := range map[string]Layer{
		"internal/store":            Application,
		"internal/store/neo4jstore": Adapter,
		"graph":                     Transport,
		"graph/model":               Transport,
		"cmd/interestgraph":         Root,
		"internal/feeds":            Feed,
	} {
		if got, ok := LayerOf(rel); !ok || got != want {
			t.Errorf("LayerOf(%q) = %q, %v; want %q", rel, got, ok, want)
		}
	}
	if _, ok := LayerOf("cmdx"); ok {
		t.Error(`"cmdx" matched "cmd/..."`)
	}
}

// TestServiceLinksNoBenchmarkLibraries: the benchmark's plotting libraries
// live in bench/'s own module; the service binary must not link them, nor
// may the service's go.mod require them.
func TestServiceLinksNoBenchmarkLibraries(t *testing.T) {
	dir, module := moduleRoot(t)
	pkgs := listPackages(t, dir, "-deps", "./cmd/interestgraph")
	if len(pkgs) < 50 {
		t.Fatalf("go list -deps found only %d packages; the check would prove nothing", len(pkgs))
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p.ImportPath, "gonum.org/") || strings.HasPrefix(p.ImportPath, module+"/bench") {
			t.Errorf("the service links %s", p.ImportPath)
		}
	}
	// gonum's numeric module appears in the module graph through grpc's own
	// requirements (never linked, as checked above); the plotting library
	// must not appear at all.
	if mods := string(goCmd(t, dir, "list", "-m", "all")); strings.Contains(mods, "gonum.org/v1/plot") {
		t.Error("the service module requires gonum.org/v1/plot: run go mod tidy (the benchmark has its own go.mod)")
	}
}
