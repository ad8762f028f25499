package analytics

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// fixture is a small graph with hand-checked answers, under a unique id
// prefix (persons) and name prefix (interests, transfers) so that queries
// scoped to it see nothing of other tests' data, and it sees none of ours.
//
//	follows (days ago): a→b, b→a, a→c, c→a (60); b→c (2); d→a, e→a (1)
//	registered (days ago): a, b, c 40; d 10; e 1
//	interests: a {x y z}, b {x y}, c {z}, d {x y z}, e {v w}
//	grants of 100 each; transfers a→b 30, a→c 20, b→c 5, d→a 10
//	balances: a 60, b 125, c 125, d 90, and e 99 where 100 is right (an
//	inconsistency the ledger check must find)
type fixture struct {
	pre string
}

var fixtureStatements = []string{
	`UNWIND $persons AS p
CREATE (:Person {id: $pre + p[0], name: p[1], registeredAt: datetime() - duration({days: p[2]}), balance: p[3]})`,
	`UNWIND $follows AS f
MATCH (a:Person {id: $pre + f[0]}), (b:Person {id: $pre + f[1]})
CREATE (a)-[:FOLLOWS {since: datetime() - duration({days: f[2]})}]->(b)`,
	`UNWIND $interests AS x
MATCH (p:Person {id: $pre + x[0]})
MERGE (i:Interest {name: $pre + x[1]})
CREATE (p)-[:INTERESTED_IN {since: datetime()}]->(i)`,
	`MATCH (p:Person) WHERE p.id STARTS WITH $pre
CREATE (:Transfer {id: $pre + 'grant-' + p.id, kind: 'GRANT', amount: 100, reason: 'WELCOME', at: datetime()})-[:RECEIVED_BY]->(p)`,
	`UNWIND $transfers AS t
MATCH (s:Person {id: $pre + t[0]}), (r:Person {id: $pre + t[1]})
CREATE (s)-[:SENT]->(:Transfer {id: $pre + t[0] + t[1], kind: 'TRANSFER', amount: t[2], memo: '', at: datetime() - duration({days: 1})})-[:RECEIVED_BY]->(r)`,
}

func newFixture(t *testing.T, drv neo4j.DriverWithContext) fixture {
	t.Helper()
	f := fixture{pre: "anl-" + testsupport.Unique() + "-"}
	params := map[string]any{
		"pre": f.pre,
		"persons": []any{
			[]any{"a", "A", 40, 60}, []any{"b", "B", 40, 125}, []any{"c", "C", 40, 125},
			[]any{"d", "D", 10, 90}, []any{"e", "E", 1, 99},
		},
		"follows": []any{
			[]any{"a", "b", 60}, []any{"b", "a", 60}, []any{"a", "c", 60}, []any{"c", "a", 60},
			[]any{"b", "c", 2}, []any{"d", "a", 1}, []any{"e", "a", 1},
		},
		"interests": []any{
			[]any{"a", "x"}, []any{"a", "y"}, []any{"a", "z"}, []any{"b", "x"}, []any{"b", "y"},
			[]any{"c", "z"}, []any{"d", "x"}, []any{"d", "y"}, []any{"d", "z"}, []any{"e", "v"}, []any{"e", "w"},
		},
		"transfers": []any{[]any{"a", "b", 30}, []any{"a", "c", 20}, []any{"b", "c", 5}, []any{"d", "a", 10}},
	}
	t.Cleanup(func() { f.remove(t, drv) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess := drv.NewSession(ctx, neo4j.SessionConfig{})
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, s := range fixtureStatements {
			if _, err := tx.Run(ctx, s, params); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		t.Fatalf("create fixture: %v", err)
	}
	return f
}

// remove deletes exactly the fixture: its persons, their transfer records
// and its interests.
func (f fixture) remove(t *testing.T, drv neo4j.DriverWithContext) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, s := range []string{
		"MATCH (t:Transfer) WHERE t.id STARTS WITH $pre DETACH DELETE t",
		"MATCH (p:Person) WHERE p.id STARTS WITH $pre DETACH DELETE p",
		"MATCH (i:Interest) WHERE i.name STARTS WITH $pre DETACH DELETE i",
	} {
		if _, err := neo4j.ExecuteQuery(ctx, drv, s, map[string]any{"pre": f.pre}, neo4j.EagerResultTransformer); err != nil {
			t.Errorf("remove fixture: %v", err)
		}
	}
}
