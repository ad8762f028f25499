package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

var (
	graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")
	asLine       = regexp.MustCompile(`^# As (\w+)`)
	placeholder  = regexp.MustCompile(`<(\w+)'s ([a-z ]+)>`)
)

// TestReadmeWalkthrough runs every GraphQL block of the README, in order,
// against the embedded default, as the person its "# As" line names, so
// the walkthrough works when pasted and cannot rot.
func TestReadmeWalkthrough(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := graphqlBlock.FindAllStringSubmatch(string(raw), -1)
	if len(blocks) < 10 {
		t.Fatalf("README has %d GraphQL blocks", len(blocks))
	}
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	people := map[string]map[string]string{} // name → "id", "token", "refresh token"
	type sub struct {
		ws *wsClient
		id string
	}
	var subs []sub
	for i, b := range blocks {
		who, op := readmeBlock(t, i, b[1], people)
		token := ""
		if who != "anyone" {
			if token = people[who]["token"]; token == "" {
				t.Fatalf("block %d runs as %s, who is not registered yet", i, who)
			}
		}
		if strings.HasPrefix(op, "subscription") {
			ws := rs.ws(t, token)
			id := fmt.Sprint(i)
			ws.subscribe(id, op, nil)
			subs = append(subs, sub{ws, id})
			rs.waitSubscriptions(t, len(subs)) // open before the actions, as the README says
			continue
		}
		r := rs.do(t, token, op, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("block %d (%s) failed: %+v", i, op, r.Errors)
		}
		var data map[string]map[string]any
		_ = json.Unmarshal(r.Data, &data)
		for field, v := range data {
			if st, ok := v["status"]; ok && st != "APPLIED" {
				t.Errorf("block %d: %s is %v", i, field, st)
			}
			if field == "recommendedPeople" || v == nil {
				continue
			}
			remember(people, who, v)
		}
		if strings.Contains(op, "recommendedPeople") && !strings.Contains(string(r.Data), `"recommendedPeople":[{"person":{"name":"Cat"}`) {
			t.Errorf("block %d: Cat is not recommended: %s", i, r.Data)
		}
	}
	for _, s := range subs {
		var ev map[string]any
		s.ws.next(s.id, &ev) // fails the test on an error or no event
	}
}

// readmeBlock returns who runs a block and its operation with placeholders
// filled in; a block must hold exactly one operation.
func readmeBlock(t *testing.T, i int, block string, people map[string]map[string]string) (string, string) {
	t.Helper()
	first, op, _ := strings.Cut(block, "\n")
	m := asLine.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("block %d does not start with a \"# As <name>\" line: %q", i, first)
	}
	op = placeholder.ReplaceAllStringFunc(strings.TrimSpace(op), func(p string) string {
		pm := placeholder.FindStringSubmatch(p)
		v := people[pm[1]][pm[2]]
		if v == "" {
			t.Fatalf("block %d: nothing earlier gives %s", i, p)
		}
		return v
	})
	doc, err := parser.ParseQuery(&ast.Source{Input: op})
	if err != nil || len(doc.Operations) != 1 {
		t.Fatalf("block %d must hold one operation: %q (%v)", i, op, err)
	}
	return m[1], op
}

// remember keeps the tokens and ids an answer hands out, under the person
// it names (register) or the person who ran it (refresh).
func remember(people map[string]map[string]string, who string, v map[string]any) {
	if p, ok := v["person"].(map[string]any); ok {
		who, _ = p["name"].(string)
		if people[who] == nil {
			people[who] = map[string]string{}
		}
		people[who]["id"], _ = p["id"].(string)
	}
	if people[who] == nil {
		return
	}
	if tok, ok := v["accessToken"].(string); ok {
		people[who]["token"] = tok
	}
	if tok, ok := v["refreshToken"].(string); ok {
		people[who]["refresh token"] = tok
	}
}
