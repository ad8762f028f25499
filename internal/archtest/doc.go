// Package archtest holds the import rules of the module as data (layers.go)
// and the function that checks a dependency list against them (check.go).
// Its test runs the check on `go list` of the real module, so a package
// that imports across a layer boundary fails `make test` and `make lint`.
// docs/ARCHITECTURE.md describes the same layers in prose.
package archtest
