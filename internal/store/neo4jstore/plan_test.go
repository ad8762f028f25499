package neo4jstore

import (
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/store"
)

// TestPlanTextHoldsNoValues: cursors and ids reach a compiled statement
// as parameters only, and one plan shape is one statement text whatever
// its values, so Neo4j's plan cache keeps hitting.
func TestPlanTextHoldsNoValues(t *testing.T) {
	shape := func(after, key string, first int) store.PersonPlan {
		leaf := store.PersonPlan{Counts: true, Interests: []store.InterestsPlan{{Order: store.InterestsByPopularity, First: first}}}
		return store.PersonPlan{Lists: []store.ListPlan{
			{Kind: store.FollowersList, Page: store.Page{First: first, After: after, AfterKey: key, Order: store.ByName}, Member: leaf},
			{Kind: store.FollowingList, Page: store.Page{First: first, Order: store.ByNewest, SkipTotal: true},
				Member: store.PersonPlan{Lists: []store.ListPlan{{Kind: store.FollowersList, Page: store.Page{First: 2}, Member: leaf}}}},
		}}
	}
	evil := "x' }) DETACH DELETE n //"
	a, params, err := compilePlan("id-"+evil, shape(evil, evil+"key", 3))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := compilePlan("other", shape("y", "Bob", 7))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("one shape, two texts:\n%s\n%s", a, b)
	}
	if strings.Contains(a, evil) || strings.Contains(a, "DETACH") {
		t.Errorf("a value reached the text: %s", a)
	}
	found := 0
	for _, v := range params {
		if s, ok := v.(string); ok && strings.Contains(s, evil) {
			found++
		}
	}
	if found != 3 {
		t.Errorf("want the id, cursor id and key as parameters, found %d of them in %v", found, params)
	}
	if _, _, err := compilePlan("x", store.PersonPlan{Lists: []store.ListPlan{{Page: store.Page{First: 1, After: "a", AfterKey: "not a time", Order: store.ByNewest}}}}); err == nil {
		t.Error("a time order with a key that is no time compiled")
	}
}
