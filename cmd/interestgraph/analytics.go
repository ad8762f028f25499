package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/analytics"
	"github.com/interestgraph/interestgraph/internal/config"
)

// maxParamFlags bounds -param flags: no query declares more than a few.
const maxParamFlags = 32

// paramFlags collects repeated -param name=value flags.
type paramFlags map[string]string

func (p *paramFlags) String() string { return "" }

func (p *paramFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want name=value, got %q", s)
	}
	if *p == nil {
		*p = paramFlags{}
	}
	if _, dup := (*p)[k]; dup {
		return fmt.Errorf("%s given twice", k)
	}
	if len(*p) >= maxParamFlags {
		return fmt.Errorf("more than %d parameters", maxParamFlags)
	}
	(*p)[k] = v
	return nil
}

// runAnalytics lists the pack, or runs the query o.query read-only.
func runAnalytics(ctx context.Context, cfg config.Config, out io.Writer, o options) error {
	if o.query == "" {
		if len(o.params) > 0 {
			return errors.New("analytics: -param needs a query name first: interestgraph analytics NAME -param k=v")
		}
		return listQueries(out)
	}
	if o.timeout < time.Second || o.timeout > time.Hour {
		return fmt.Errorf("analytics: -timeout %s: want 1s to 1h", o.timeout)
	}
	if !validFormat(o.format) {
		return fmt.Errorf("analytics: -format %q: want %s", o.format, strings.Join(analytics.Formats, ", "))
	}
	// Name and parameters are checked before connecting: a typo costs no
	// round trip. A plugin variant takes the same parameters (a test checks).
	base, ok := analytics.Lookup(o.query)
	if !ok || base.VariantOf != "" {
		return fmt.Errorf("%w: no query %q (interestgraph analytics lists them)", analytics.ErrBadParam, o.query)
	}
	params, err := base.Bind(o.params)
	if err != nil {
		return fmt.Errorf("analytics %s (interestgraph analytics %s -h lists its parameters):\n%w", o.query, o.query, err)
	}
	if cfg.Neo4jURI == "" {
		return errors.New("analytics needs NEO4J_URI (and NEO4J_PASSWORD): it reads the real graph")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.Neo4jURI, neo4j.BasicAuth(cfg.Neo4jUser, cfg.Neo4jPassword, ""))
	if err != nil {
		return fmt.Errorf("analytics: neo4j driver: %w", err)
	}
	defer drv.Close(context.Background())
	r := analytics.Runner{Driver: drv, Database: cfg.Neo4jDatabase, Timeout: o.timeout}
	q, err := r.Resolve(ctx, o.query)
	if err != nil {
		return err
	}
	res, err := r.Run(ctx, q, params)
	if err != nil {
		return err
	}
	return analytics.Write(out, res, o.format)
}

func validFormat(f string) bool {
	for _, x := range analytics.Formats {
		if f == x {
			return true
		}
	}
	return false
}

func listQueries(out io.Writer) error {
	qs, err := analytics.All()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Cypher analytics queries (interestgraph analytics NAME -h describes one):")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, q := range qs {
		if q.VariantOf == "" {
			fmt.Fprintf(tw, "  %s\t%s\n", q.Name, q.Summary)
		}
	}
	return tw.Flush()
}

// describeQuery prints one query's header: what it answers, its
// parameters and its cost.
func describeQuery(out io.Writer, name string) error {
	q, ok := analytics.Lookup(name)
	if !ok || q.VariantOf != "" {
		return fmt.Errorf("analytics: no query %q (interestgraph analytics lists them)", name)
	}
	fmt.Fprintf(out, "interestgraph analytics %s: %s\n", q.Name, q.Summary)
	if q.Doc != "" {
		fmt.Fprintf(out, "\n%s\n", q.Doc)
	}
	fmt.Fprintf(out, "\nUsage: interestgraph analytics %s [-param name=value]... [-format table|csv|json]\n\nParameters:\n", q.Name)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, p := range q.Params {
		def := p.Default
		switch {
		case p.Required:
			def = "(required)"
		case def == "":
			def = `""`
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s..%s\t%s\n", p.Name, p.Type, def, trimFloat(p.Min), trimFloat(p.Max), p.Doc)
	}
	_ = tw.Flush()
	fmt.Fprintf(out, "\nCost: %s\n", q.Cost)
	return nil
}

func trimFloat(f float64) string { return fmt.Sprint(f) }
