package archtest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// packageRef matches a backticked package path of this repository in
// Markdown: `internal/...`, `cmd/...`, `resolvers`, `consumers`, `graph`,
// `graph/model`, `bench/` (a trailing slash is allowed).
var packageRef = regexp.MustCompile("`((?:internal|cmd)/[a-z0-9_/]+|resolvers|consumers|analytics|web|graph(?:/[a-z0-9_]+)?|bench)/?`")

// namedPackages returns the package paths doc names, sorted, once each.
func namedPackages(doc string) []string {
	var out []string
	for _, m := range packageRef.FindAllStringSubmatch(doc, -1) {
		out = append(out, strings.TrimSuffix(m[1], "/"))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// missingPackages returns the named paths that are not directories with Go
// files under root.
func missingPackages(root string, named []string) []string {
	var missing []string
	for _, p := range named {
		goFiles, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(p), "*.go"))
		if len(goFiles) == 0 {
			missing = append(missing, p)
		}
	}
	return missing
}

// TestArchitectureDocNamesRealPackages keeps docs/ARCHITECTURE.md true:
// every package it names exists, and every package of the layer table is
// named in it.
func TestArchitectureDocNamesRealPackages(t *testing.T) {
	dir, _ := moduleRoot(t)
	raw, err := os.ReadFile(filepath.Join(dir, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	named := namedPackages(string(raw))
	if len(named) < 10 {
		t.Fatalf("docs/ARCHITECTURE.md names only %v; the check would prove nothing", named)
	}
	for _, p := range missingPackages(dir, named) {
		t.Errorf("docs/ARCHITECTURE.md names %s, which is not a package", p)
	}
	for pattern := range Packages {
		p, tree := strings.CutSuffix(pattern, "/...")
		if !slices.ContainsFunc(named, func(n string) bool { return n == p || tree && strings.HasPrefix(n, p+"/") }) {
			t.Errorf("docs/ARCHITECTURE.md does not name %s (in archtest.Packages)", pattern)
		}
	}
}

func TestDocCheckCatchesMissingPackage(t *testing.T) {
	dir, _ := moduleRoot(t)
	doc := "The `internal/domain` and `internal/nothere` packages; `resolvers`, `bench/`, `app.Follow`."
	named := namedPackages(doc)
	if want := []string{"bench", "internal/domain", "internal/nothere", "resolvers"}; !slices.Equal(named, want) {
		t.Fatalf("namedPackages = %v, want %v", named, want)
	}
	if got := missingPackages(dir, named); !slices.Equal(got, []string{"internal/nothere"}) {
		t.Fatalf("missingPackages = %v, want [internal/nothere]", got)
	}
}
