package analytics

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// Query is one question of the pack.
type Query struct {
	Name    string // the file name without .cypher
	Summary string // the header's first line
	Doc     string // the rest of the header's prose
	Cost    string
	Params  []Param
	// Requires names a Neo4j plugin the query needs ("gds"); VariantOf
	// names the query it replaces when that plugin is installed.
	Requires, VariantOf string
	Cypher              string
}

var (
	nameRE  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,40}$`)
	paramRE = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)
)

// All returns every query of the pack (variants included), by name.
func All() ([]Query, error) {
	names, err := fs.Glob(files, "*.cypher")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var qs []Query
	var errs []error
	for _, n := range names {
		raw, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, err
		}
		q, err := Parse(strings.TrimSuffix(n, ".cypher"), string(raw))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		qs = append(qs, q)
	}
	return qs, errors.Join(errs...)
}

// Lookup returns the query called name.
func Lookup(name string) (Query, bool) {
	qs, _ := All() // a broken file is caught by the tests; the rest still run
	for _, q := range qs {
		if q.Name == name {
			return q, true
		}
	}
	return Query{}, false
}

// Parse reads a query file: a header of // lines, then the statement.
func Parse(name, text string) (Query, error) {
	q := Query{Name: name}
	if !nameRE.MatchString(strings.ReplaceAll(name, ".", "-")) {
		return q, fmt.Errorf("analytics: bad query name %q", name)
	}
	lines := strings.Split(text, "\n")
	var prose []string
	i := 0
	for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "//"); i++ {
		l := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), "//"))
		if err := q.headerLine(l, &prose); err != nil {
			return q, fmt.Errorf("analytics: %s.cypher line %d: %w", name, i+1, err)
		}
	}
	q.Cypher = strings.TrimSpace(strings.Join(lines[i:], "\n"))
	if len(prose) > 0 {
		q.Summary, q.Doc = prose[0], strings.TrimSpace(strings.Join(prose[1:], "\n"))
	}
	if err := q.check(); err != nil {
		return q, fmt.Errorf("analytics: %s.cypher: %w", name, err)
	}
	return q, nil
}

func (q *Query) headerLine(l string, prose *[]string) error {
	key, rest, _ := strings.Cut(l, " ")
	rest = strings.TrimSpace(rest)
	switch key {
	case "@param":
		p, err := parseParam(rest)
		if err != nil {
			return err
		}
		q.Params = append(q.Params, p)
	case "@cost":
		q.Cost = strings.TrimSpace(q.Cost + " " + rest)
	case "@requires":
		q.Requires = rest
	case "@variant-of":
		q.VariantOf = rest
	default:
		if strings.HasPrefix(key, "@") {
			return fmt.Errorf("unknown header key %s", key)
		}
		*prose = append(*prose, l)
	}
	return nil
}

// check insists that the header and the statement agree: every $name in
// the statement is a declared parameter and every parameter is used.
func (q *Query) check() error {
	if q.Summary == "" || q.Cost == "" || q.Cypher == "" {
		return errors.New("needs a summary line, an @cost line and a statement")
	}
	used := map[string]bool{}
	for _, m := range paramRE.FindAllStringSubmatch(q.Cypher, -1) {
		used[m[1]] = true
	}
	declared := map[string]bool{}
	for _, p := range q.Params {
		if declared[p.Name] {
			return fmt.Errorf("parameter %s declared twice", p.Name)
		}
		declared[p.Name] = true
		if !used[p.Name] {
			return fmt.Errorf("parameter %s is declared but not used", p.Name)
		}
	}
	for n := range used {
		if !declared[n] && n != runParam {
			return fmt.Errorf("$%s is used but not declared", n)
		}
	}
	return nil
}
