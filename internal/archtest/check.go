package archtest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Package is what the check needs of one package: `go list -json` fields.
type Package struct {
	ImportPath string
	Imports    []string // direct imports: what the layer rules judge
	Deps       []string // transitive: what the binary links
}

// Violation is one import that breaks a rule, or a table entry that is wrong.
type Violation struct {
	From, To string // module-relative paths ("" To for an unclassified package)
	Reason   string
}

func (v Violation) String() string {
	if v.To == "" {
		return fmt.Sprintf("%s: %s", v.From, v.Reason)
	}
	return fmt.Sprintf("%s imports %s: %s", v.From, v.To, v.Reason)
}

// LayerOf returns the layer of a module-relative package path: an exact
// entry of Packages, else the longest "dir/..." entry covering it.
func LayerOf(rel string) (Layer, bool) {
	if l, ok := Packages[rel]; ok {
		return l, true
	}
	best, found := "", Layer("")
	for pattern, l := range Packages {
		dir, ok := strings.CutSuffix(pattern, "/...")
		if ok && (rel == dir || strings.HasPrefix(rel, dir+"/")) && len(dir) > len(best) {
			best, found = dir, l
		}
	}
	return found, best != ""
}

// Check returns every violation of the rules by pkgs, the packages of the
// module whose path is module, sorted. Unused exceptions are violations too.
func Check(module string, pkgs []Package) []Violation {
	var out []Violation
	used := make([]bool, len(Exceptions))
	for _, p := range pkgs {
		from, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		layer, ok := LayerOf(from)
		if !ok {
			out = append(out, Violation{From: from,
				Reason: "package has no layer: add it to archtest.Packages"})
			continue
		}
		for _, imp := range p.Imports {
			reason := importViolation(module, layer, imp)
			if reason == "" {
				continue
			}
			to := strings.TrimPrefix(imp, module+"/")
			if i := exceptionIndex(from, to); i >= 0 {
				used[i] = true
				continue
			}
			out = append(out, Violation{From: from, To: to, Reason: reason})
		}
	}
	for i, e := range Exceptions {
		if !used[i] {
			out = append(out, Violation{From: e.From, To: e.To,
				Reason: "recorded exception no longer happens: remove it from archtest.Exceptions"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// importViolation says why a package of layer may not import imp, or "".
func importViolation(module string, layer Layer, imp string) string {
	if to, ok := strings.CutPrefix(imp, module+"/"); ok {
		target, known := LayerOf(to)
		if !known {
			return "imported package has no layer"
		}
		if !slices.Contains(Allowed[layer], target) {
			return fmt.Sprintf("%s may not import %s", layer, target)
		}
		return ""
	}
	if imp == module {
		return "the module root is not a package of any layer"
	}
	for _, d := range Drivers {
		if (imp == d || strings.HasPrefix(imp, d+"/")) && !slices.Contains(DriverLayers, layer) {
			return fmt.Sprintf("%s may not import the driver %s", layer, d)
		}
	}
	return ""
}

func exceptionIndex(from, to string) int {
	for i, e := range Exceptions {
		if e.From == from && (to == e.To || strings.HasPrefix(to, e.To+"/")) {
			return i
		}
	}
	return -1
}
