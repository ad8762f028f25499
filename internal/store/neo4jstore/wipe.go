package neo4jstore

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ProjectionLabels are the labels the event projection writes, and so what
// `rebuild -wipe` removes: everything else (accounts, refresh tokens,
// command records, an analyst's own data in the same database) stays.
var ProjectionLabels = []string{"Person", "Interest", "Transfer"}

// wipeBatch bounds one delete transaction, so wiping a large graph never
// needs a transaction state the size of the graph.
const wipeBatch = 1000

var labelName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// labelClause is "n:A OR n:B": labels cannot be parameters, so they are
// checked against a strict pattern before they enter the statement text.
func labelClause(labels []string) (string, error) {
	if len(labels) == 0 {
		return "", fmt.Errorf("neo4j: no labels")
	}
	parts := make([]string, len(labels))
	for i, l := range labels {
		if !labelName.MatchString(l) {
			return "", fmt.Errorf("neo4j: %q is not a label name", l)
		}
		parts[i] = "n:`" + l + "`"
	}
	return strings.Join(parts, " OR "), nil
}

// CountLabels counts the nodes of each label.
func (s *Store) CountLabels(ctx context.Context, labels []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, l := range labels {
		clause, err := labelClause([]string{l})
		if err != nil {
			return nil, err
		}
		res, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (n) WHERE "+clause+" RETURN count(n) AS n", nil,
			neo4j.EagerResultTransformer, s.dbOpt())
		if err != nil {
			return nil, fmt.Errorf("neo4j: count %s: %w", l, err)
		}
		n, _, err := neo4j.GetRecordValue[int64](res.Records[0], "n")
		if err != nil {
			return nil, fmt.Errorf("neo4j: count %s: %w", l, err)
		}
		out[l] = n
	}
	return out, nil
}

// DeleteLabels removes every node with one of labels, with its
// relationships, in transactions of at most wipeBatch nodes, and returns
// how many it removed. progress (may be nil) hears the running total.
func (s *Store) DeleteLabels(ctx context.Context, labels []string, progress func(int64)) (int64, error) {
	clause, err := labelClause(labels)
	if err != nil {
		return 0, err
	}
	cypher := "MATCH (n) WHERE " + clause + " WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n"
	var total int64
	for {
		res, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, map[string]any{"batch": wipeBatch},
			neo4j.EagerResultTransformer, s.dbOpt())
		if err != nil {
			return total, fmt.Errorf("neo4j: delete %v: %w", labels, err)
		}
		n, _, err := neo4j.GetRecordValue[int64](res.Records[0], "n")
		if err != nil {
			return total, fmt.Errorf("neo4j: delete %v: %w", labels, err)
		}
		total += n
		if progress != nil && n > 0 {
			progress(total)
		}
		if n < wipeBatch {
			return total, nil
		}
	}
}
