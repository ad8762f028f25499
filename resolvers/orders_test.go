package resolvers_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
)

func run(t testing.TB, st store.GraphStore, typ domain.CommandType, actor string, payload any) {
	t.Helper()
	cmd, _ := domain.NewCommand(typ, actor, payload, time.Now())
	if out, _, err := st.Execute(context.Background(), cmd, domain.Decide); err != nil || out.Status != domain.StatusApplied {
		t.Fatalf("%s: %+v %v", typ, out, err)
	}
}

type gqlResponse struct {
	Data   json.RawMessage
	Errors []struct {
		Extensions struct{ Code string }
	}
}

func query(t *testing.T, url, tok, q string, vars map[string]any, into any) []string {
	t.Helper()
	var res gqlResponse
	if err := json.Unmarshal(post(t, url, tok, q, vars), &res); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, e := range res.Errors {
		codes = append(codes, e.Extensions.Code)
	}
	if len(codes) == 0 && into != nil {
		if err := json.Unmarshal(res.Data, into); err != nil {
			t.Fatal(err)
		}
	}
	return codes
}

const followersPage = `query($id: ID!, $o: FollowOrder!, $after: String) { person(id: $id) {
  followers(first: 2, after: $after, orderBy: $o) { edges { node { name } } pageInfo { hasNextPage endCursor } } } }`

// walkFollowers pages through the followers of id in order o.
func walkFollowers(t *testing.T, url, tok, id, o string) []string {
	var names []string
	var after any
	for range 5 {
		var data struct {
			Person struct {
				Followers struct {
					Edges    []struct{ Node struct{ Name string } }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		if codes := query(t, url, tok, followersPage, map[string]any{"id": id, "o": o, "after": after}, &data); codes != nil {
			t.Fatalf("order %s: %v", o, codes)
		}
		for _, e := range data.Person.Followers.Edges {
			names = append(names, e.Node.Name)
		}
		if !data.Person.Followers.PageInfo.HasNextPage {
			break
		}
		after = data.Person.Followers.PageInfo.EndCursor
	}
	return names
}

// TestListsUsersCanShape: followers page in every order with cursors of
// that order; a cursor of another order and out-of-range firsts are
// BAD_USER_INPUT; a person's interests come by name or popularity.
func TestListsUsersCanShape(t *testing.T) {
	st := memory.New()
	url, me, tok := readServer(t, st, st)
	order := []string{"Eve", "Bob", "Ann", "Dan", "Cal"}
	for _, n := range []string{"x", "y", "z"} {
		run(t, st, domain.CmdAddInterest, me, domain.InterestPayload{Interest: n})
	}
	for i, n := range order {
		id := domain.NewID()
		run(t, st, domain.CmdRegisterPerson, id, domain.RegisterPersonPayload{Name: n, Email: "p@example.com"})
		run(t, st, domain.CmdFollow, id, domain.FollowPayload{PersonID: me})
		run(t, st, domain.CmdAddInterest, id, domain.InterestPayload{Interest: "y"})
		if i < 2 {
			run(t, st, domain.CmdAddInterest, id, domain.InterestPayload{Interest: "z"})
		}
	}
	newest := slices.Clone(order)
	slices.Reverse(newest)
	byName := slices.Sorted(slices.Values(order))
	for o, want := range map[string][]string{"NEWEST": newest, "OLDEST": order, "NAME": byName} {
		if got := walkFollowers(t, url, tok, me, o); !slices.Equal(got, want) {
			t.Errorf("followers by %s: %v, want %v", o, got, want)
		}
	}
	var first struct {
		Person struct {
			Followers struct{ PageInfo struct{ EndCursor string } }
		}
	}
	query(t, url, tok, followersPage, map[string]any{"id": me, "o": "NAME"}, &first)
	if codes := query(t, url, tok, followersPage, map[string]any{"id": me, "o": "NEWEST", "after": first.Person.Followers.PageInfo.EndCursor}, nil); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
		t.Errorf("a NAME cursor read as NEWEST: errors %v, want BAD_USER_INPUT", codes)
	}
	interests := `query($id: ID!, $o: InterestOrder, $n: Int) { person(id: $id) { interests(first: $n, orderBy: $o) { name personCount } } }`
	for _, c := range []struct {
		order string
		first any
		want  []string
	}{{"NAME", nil, []string{"x", "y", "z"}}, {"POPULAR", nil, []string{"y", "z", "x"}}, {"POPULAR", 2, []string{"y", "z"}}, {"NAME", 1, []string{"x"}}} {
		var data struct {
			Person struct{ Interests []struct{ Name string } }
		}
		if codes := query(t, url, tok, interests, map[string]any{"id": me, "o": c.order, "n": c.first}, &data); codes != nil {
			t.Fatalf("interests %+v: %v", c, codes)
		}
		var got []string
		for _, i := range data.Person.Interests {
			got = append(got, i.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("interests by %s, first %v: %v, want %v", c.order, c.first, got, c.want)
		}
	}
	for _, n := range []int{0, 1001} {
		if codes := query(t, url, tok, interests, map[string]any{"id": me, "n": n}, nil); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
			t.Errorf("interests(first: %d): errors %v, want BAD_USER_INPUT", n, codes)
		}
	}
}
