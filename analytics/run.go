package analytics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// MaxRows caps what a run prints, whatever the query's own LIMIT: an
// analyst's terminal and a CSV pipe both stay bounded.
const MaxRows = 1000

// Result is a query's answer.
type Result struct {
	Query     string   `json:"query"`
	Columns   []string `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Truncated bool     `json:"truncated"` // more than MaxRows rows came back
}

// runParam is a parameter the runner supplies itself: a fresh name for
// what a query must create outside the graph (a GDS in-memory projection),
// so two analysts' runs never collide.
const runParam = "run"

// Runner runs queries read-only against one Neo4j database.
type Runner struct {
	Driver   neo4j.DriverWithContext
	Database string // "" is the server's default
	// Timeout bounds each transaction on the server, which then stops the
	// query itself: a client giving up alone would leave it running.
	// Zero is the server's default.
	Timeout time.Duration
}

// Resolve returns the query to run for name: its plugin variant when the
// server has that plugin (influence.gds when Graph Data Science is
// installed), else the query itself.
func (r Runner) Resolve(ctx context.Context, name string) (Query, error) {
	q, ok := Lookup(name)
	if !ok || q.VariantOf != "" {
		return Query{}, fmt.Errorf("%w: no query %q (interestgraph analytics lists them)", ErrBadParam, name)
	}
	qs, err := All()
	if err != nil {
		return Query{}, err
	}
	for _, v := range qs {
		if v.VariantOf != name {
			continue
		}
		has, err := r.hasPlugin(ctx, v.Requires)
		if err != nil {
			return Query{}, err
		}
		if has {
			v.Params = q.Params // a variant takes its base query's parameters
			return v, nil
		}
	}
	return q, nil
}

// hasPlugin says whether the server has the named plugin's procedures.
func (r Runner) hasPlugin(ctx context.Context, plugin string) (bool, error) {
	if plugin != "gds" {
		return false, fmt.Errorf("analytics: unknown plugin %q", plugin)
	}
	res, err := neo4j.ExecuteQuery(ctx, r.Driver,
		"SHOW PROCEDURES YIELD name WHERE name = 'gds.pageRank.stream' RETURN count(*) AS n", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(r.Database), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return false, fmt.Errorf("analytics: look for the %s plugin: %w", plugin, err)
	}
	n, _ := res.Records[0].Get("n")
	return n.(int64) > 0, nil
}

// Run runs q with bound parameters in a read-access-mode transaction, so
// the server itself refuses any write. A query may hold several statements
// separated by a line ";" (create, use and drop a projection); the last
// one's rows are the result.
func (r Runner) Run(ctx context.Context, q Query, params map[string]any) (Result, error) {
	sess := r.Driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: r.Database, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	p := make(map[string]any, len(params)+1)
	for k, v := range params {
		p[k] = v
	}
	stmts := strings.Split(q.Cypher, "\n;\n")
	var txOpts []func(*neo4j.TransactionConfig)
	if r.Timeout > 0 {
		txOpts = append(txOpts, neo4j.WithTxTimeout(r.Timeout))
	}
	out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		// A fresh name per attempt: the driver retries transient errors,
		// and an earlier attempt's projection may still exist.
		var b [8]byte
		_, _ = rand.Read(b[:])
		p[runParam] = "interestgraph-analytics-" + hex.EncodeToString(b[:])
		res := Result{Query: q.Name}
		for i, s := range stmts {
			cur, err := tx.Run(ctx, s, usedParams(s, p))
			if err != nil {
				return nil, err
			}
			if i < len(stmts)-1 {
				if _, err := cur.Consume(ctx); err != nil {
					return nil, err
				}
				continue
			}
			if res.Columns, err = cur.Keys(); err != nil {
				return nil, err
			}
			for cur.Next(ctx) {
				if len(res.Rows) == MaxRows {
					res.Truncated = true
					break
				}
				row := make([]any, len(cur.Record().Values))
				for j, v := range cur.Record().Values {
					row[j] = plain(v)
				}
				res.Rows = append(res.Rows, row)
			}
			if err := cur.Err(); err != nil {
				return nil, err
			}
		}
		return res, nil
	}, txOpts...)
	if err != nil {
		return Result{}, fmt.Errorf("analytics: run %s: %w", q.Name, err)
	}
	return out.(Result), nil
}

// usedParams passes a statement only the parameters it names.
func usedParams(stmt string, p map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range paramRE.FindAllStringSubmatch(stmt, -1) {
		if v, ok := p[m[1]]; ok {
			out[m[1]] = v
		}
	}
	return out
}
