package analytics

import (
	"math"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// plain turns a Neo4j value into one that prints and encodes as JSON the
// same way everywhere: times as RFC 3339 text, graph entities as their
// properties (the queries return values, but an analyst's edit may not).
func plain(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil // 0.0/0.0 in Cypher; JSON has no NaN
		}
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case dbtype.Date:
		return x.String()
	case dbtype.LocalDateTime:
		return x.String()
	case dbtype.Duration:
		return x.String()
	case dbtype.Node:
		return plain(x.Props)
	case dbtype.Relationship:
		return plain(x.Props)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	default:
		return v
	}
}
