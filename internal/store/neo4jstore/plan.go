package neo4jstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// planCompiler turns a store.PersonPlan into one statement: a list
// projection of the person (columns) with a COLLECT {} subquery per list
// (ORDER BY … LIMIT first+1 from the cursor) and per interest list, a
// COUNT {} where a count is asked for, nested to the plan's depth. The text holds only
// generated names (x1, l0, $p3); every value is a parameter, so one
// selection shape is one cached plan in Neo4j whatever its arguments.
type planCompiler struct {
	params map[string]any
	vars   int
}

func (c *planCompiler) param(v any) string {
	name := "p" + strconv.Itoa(len(c.params))
	c.params[name] = v
	return "$" + name
}

func (c *planCompiler) fresh(prefix string) string {
	c.vars++
	return prefix + strconv.Itoa(c.vars)
}

// person projects node x as a list, its values in the order of
// columns(plan); counts are left out (read as 0) unless the plan asks for
// them.
func (c *planCompiler) person(x string, plan store.PersonPlan, depth int) (string, error) {
	if depth > store.MaxPlanDepth {
		return "", fmt.Errorf("neo4j: plan deeper than %d lists", store.MaxPlanDepth)
	}
	var b strings.Builder
	interests, lists := 0, 0
	for i, col := range columns(plan) {
		if i > 0 {
			b.WriteString(", ")
		}
		switch {
		case col == "followers" || col == "following":
			f := c.fresh("f")
			arrow := [2]string{"<-", "-"}
			if col == "following" {
				arrow = [2]string{"-", "->"}
			}
			fmt.Fprintf(&b, "COUNT { (%s)%s[:FOLLOWS]%s(%s:Person) WHERE %s.name IS NOT NULL }", x, arrow[0], arrow[1], f, f)
		case strings.HasPrefix(col, interestsColumn):
			b.WriteString(c.interests(x, plan.Interests[interests]))
			interests++
		case strings.HasPrefix(col, listColumn):
			l, err := c.list(x, plan.Lists[lists], depth)
			if err != nil {
				return "", err
			}
			b.WriteString(l)
			lists++
		default: // a property
			b.WriteString(x + "." + col)
		}
	}
	return "[" + b.String() + "]", nil
}

func (c *planCompiler) interests(x string, ip store.InterestsPlan) string {
	if namesInGo(ip) {
		i := c.fresh("i")
		return fmt.Sprintf("[(%s)-[:INTERESTED_IN]->(%s:Interest) | %s.name]", x, i, i)
	}
	i, n, k := c.fresh("i"), c.fresh("n"), c.fresh("c")
	count, by := "0", n
	if counted(ip) {
		q := c.fresh("q")
		count = fmt.Sprintf("COUNT { (%s)<-[:INTERESTED_IN]-(%s:Person) WHERE %s.name IS NOT NULL }", i, q, q)
	}
	if ip.Order == store.InterestsByPopularity {
		by = k + " DESC, " + n
	}
	// Without counts an interest is its name alone: a map per interest
	// cost Neo4j and the driver about a third of a nested read's time.
	// With them it is [name, count] (interestColumns), not a map either.
	item := n
	if counted(ip) {
		item = fmt.Sprintf("[%s, %s]", n, k)
	}
	return fmt.Sprintf("COLLECT { MATCH (%s)-[:INTERESTED_IN]->(%s:Interest) WITH %s.name AS %s, %s AS %s ORDER BY %s LIMIT %s RETURN %s }",
		x, i, i, n, count, k, by, c.param(ip.First), item)
}

// namesInGo reports whether ip's interests are read as a plain list of
// names and sorted by sortedNames: names without counts, by name, as
// many as a person may hold (the default first). A sort in a subquery
// per person cost Neo4j more than the rest of a nested read's members; a
// person holds few interests, and sorting them is nothing in Go.
func namesInGo(ip store.InterestsPlan) bool {
	return !counted(ip) && ip.Order == store.InterestsByName && ip.First >= domain.MaxInterestsPerPerson
}

// counted reports whether ip reads each interest's PersonCount.
func counted(ip store.InterestsPlan) bool {
	return ip.Counts || ip.Order == store.InterestsByPopularity
}

func (c *planCompiler) list(x string, lp store.ListPlan, depth int) (string, error) {
	y, r, z := c.fresh("x"), c.fresh("r"), c.fresh("z")
	arrow := [2]string{"<-", "-"}
	if lp.Kind == store.FollowingList {
		arrow = [2]string{"-", "->"}
	}
	o, err := c.order(x, y, r, lp)
	if err != nil {
		return "", err
	}
	total := "0"
	if !lp.Page.SkipTotal {
		total = fmt.Sprintf("COUNT { (%s)%s[:FOLLOWS]%s(%s:Person) WHERE %s.name IS NOT NULL }", x, arrow[0], arrow[1], z, z)
	}
	member, err := c.person(y, lp.Member, depth+1)
	if err != nil {
		return "", err
	}
	where := y + ".name IS NOT NULL"
	if o.after != "" {
		where += " AND " + o.after
	}
	first := c.param(lp.Page.First)
	// A list is [total, page] (listColumns).
	if lp.NoCursors {
		// Neither cursors nor a next page asked: first members, each its
		// projection, as a hand-written statement would read them.
		return fmt.Sprintf("[%s, COLLECT { MATCH (%s)%s[%s:FOLLOWS]%s(%s:Person)%s WHERE %s WITH %s, %s ORDER BY %s LIMIT %s RETURN %s }]",
			total, x, arrow[0], r, arrow[1], y, o.hint, where, y, r, o.by, first, member), nil
	}
	// The page reads first+1 items (the last only says whether a next
	// page exists) and projects the members of the first only: at depth 5
	// with pages of 3, projecting the extra one read 4^4 leaves instead of
	// 3^4. reduce numbers the items (size(acc)); CASE evaluates only its
	// branch; the list comprehension binds the member's node to y. An item
	// is [key, member] (itemColumns), the extra one [key].
	e, acc := c.fresh("e"), c.fresh("acc")
	return fmt.Sprintf("[%s, reduce(%s = [], %s IN COLLECT { MATCH (%s)%s[%s:FOLLOWS]%s(%s:Person)%s WHERE %s WITH %s, %s ORDER BY %s LIMIT %s + 1 RETURN {k: %s, n: %s} } | "+
		"%s + [CASE WHEN size(%s) < %s THEN [%s.k, [%s IN [%s.n] | %s][0]] ELSE [%s.k] END])]",
		total, acc, e, x, arrow[0], r, arrow[1], y, o.hint, where, y, r, o.by, first, o.key, y,
		acc, acc, first, e, y, e, member, e), nil
}

// order is how lp's page reads over x's list through edge r to person y:
// a followers list in a time order reads followersKey from the cursor,
// the others compare the cursor's id and order key (typed as the property
// it is compared with, nil on a first page).
func (c *planCompiler) order(x, y, r string, lp store.ListPlan) (orderSpec, error) {
	p, err := pageParams(nil, lp.Page)
	if err != nil {
		return orderSpec{}, err
	}
	if lp.Kind == store.FollowersList && lp.Page.Order.ByTime() {
		return followersKey.order(lp.Page.Order, r, x, c.param(p["bound"])), nil
	}
	if lp.Page.After == "" {
		// A first page: no cursor to compare with (a second text for the
		// shape, and no test per member).
		spec := orderOf(lp.Page.Order, y, r, "''", "null")
		spec.after = ""
		return spec, nil
	}
	return orderOf(lp.Page.Order, y, r, c.param(lp.Page.After), c.param(p["key"])), nil
}

// compilePlan returns the statement and parameters of plan for person id.
func compilePlan(id string, plan store.PersonPlan) (string, map[string]any, error) {
	c := &planCompiler{params: map[string]any{}}
	proj, err := c.person("x0", plan, 0)
	if err != nil {
		return "", nil, err
	}
	c.params["id"] = id
	return "MATCH (x0:Person {id: $id}) WHERE x0.name IS NOT NULL\nRETURN " + proj + " AS p", c.params, nil
}

// ReadPerson implements store.PlanReader.
func (s *Store) ReadPerson(ctx context.Context, id string, plan store.PersonPlan) (*store.PersonRead, error) {
	cypher, params, err := compilePlan(id, plan)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, cypher, params)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	v, _ := recs[0].Get("p")
	r, err := toPersonRead(v, plan)
	if err != nil {
		return nil, err
	}
	return &r, nil
}
