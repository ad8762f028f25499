package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type rawResponse struct {
	status int
	header http.Header
	body   string
	gql    gqlResponse
}

// raw sends one HTTP request to /graphql as a client would build it.
func (rs *running) raw(t *testing.T, method, query, contentType, accept, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, rs.url+"/graphql"+query, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s /graphql: %v", method, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := rawResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if method != http.MethodHead && method != http.MethodOptions {
		if err := json.Unmarshal(b, &out.gql); err != nil {
			t.Errorf("%s %s: body is not JSON: %q", method, query, b)
		}
	}
	return out
}

// TestGraphQLOverHTTP: the GraphQL-over-HTTP specification's rules, each
// transport mistake a JSON body with extensions.code and nothing echoed.
func TestGraphQLOverHTTP(t *testing.T) {
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	q := func(s string) string { return "?query=" + url.QueryEscape(s) }

	if r := rs.raw(t, "GET", q(`{ __typename }`), "", "", ""); r.status != 200 || string(r.gql.Data) != `{"__typename":"Query"}` {
		t.Errorf("GET query: %d %s", r.status, r.body)
	}
	if r := rs.raw(t, "GET", q(`{ __typename }`), "", "application/graphql-response+json", ""); r.header.Get("Content-Type") != "application/graphql-response+json" {
		t.Errorf("GET with Accept graphql-response+json: Content-Type %q", r.header.Get("Content-Type"))
	}
	if r := rs.raw(t, "POST", "", "application/json", "application/graphql-response+json", `{"query":"{ __typename }"}`); r.status != 200 || r.header.Get("Content-Type") != "application/graphql-response+json" {
		t.Errorf("POST with Accept graphql-response+json: %d Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	if r := rs.raw(t, "POST", "", "application/json; charset=utf-8", "", `{"query":"{ __typename }"}`); r.status != 200 || len(r.gql.Errors) != 0 {
		t.Errorf("POST application/json with charset: %d %s", r.status, r.body)
	}

	cases := []struct {
		name, method, query, contentType, body string
		status                                 int
		code, allow, msgHas                    string
	}{
		{"GET mutation", "GET", q(`mutation { logout(refreshToken: "x") }`), "", "", 405, "METHOD_NOT_ALLOWED", "POST", "POST"},
		{"GET subscription", "GET", q(`subscription { personEvents(personId: "x") { __typename } }`), "", "", 405, "METHOD_NOT_ALLOWED", "POST", ""},
		{"GET without query", "GET", "", "", "", 400, "BAD_REQUEST", "", "query"},
		{"GET with bad variables", "GET", q(`{ __typename }`) + "&variables=%7Bnope", "", "", 400, "BAD_REQUEST", "", "variables"},
		{"PUT", "PUT", "", "application/json", `{"query":"{ __typename }"}`, 405, "METHOD_NOT_ALLOWED", "GET, POST", ""},
		{"DELETE", "DELETE", "", "", "", 405, "METHOD_NOT_ALLOWED", "GET, POST", ""},
		{"POST without Content-Type", "POST", "", "", `{"query":"{ __typename }"}`, 415, "UNSUPPORTED_MEDIA_TYPE", "", "application/json"},
		{"POST text/plain", "POST", "", "text/plain", `{"query":"{ __typename }"}`, 415, "UNSUPPORTED_MEDIA_TYPE", "", "application/json"},
		{"POST form", "POST", "", "application/x-www-form-urlencoded", `query=x`, 415, "UNSUPPORTED_MEDIA_TYPE", "", ""},
		{"malformed JSON", "POST", "", "application/json", `{"query": "{ me {`, 400, "BAD_REQUEST", "", "JSON"},
		{"JSON array", "POST", "", "application/json", `[{"query":"{ __typename }"}]`, 400, "BAD_REQUEST", "", "JSON object"},
		{"query not a string", "POST", "", "application/json", `{"query": 42}`, 400, "BAD_REQUEST", "", "query"},
		// Keys match case-insensitively in Go's decoder, as gqlgen reads
		// the body: these must not reach gqlgen's error, which quotes it.
		{"variables in another case", "POST", "", "application/json", `{"query":"{ __typename }","Variables":[1]}`, 400, "BAD_REQUEST", "", "JSON object"},
		{"query twice", "POST", "", "application/json", `{"query":"{ __typename }","QUERY":1}`, 400, "BAD_REQUEST", "", "JSON object"},
		{"two operations, no name", "POST", "", "application/json", `{"query":"query A { __typename } query B { __typename }"}`, 422, "BAD_REQUEST", "", "operationName"},
		{"body too large", "POST", "", "application/json", `{"query":"` + strings.Repeat(" ", 2<<20) + `{ __typename }"}`, 413, "BAD_REQUEST", "", "bytes"},
	}
	for _, c := range cases {
		r := rs.raw(t, c.method, c.query, c.contentType, "", c.body)
		if r.status != c.status || r.gql.code() != c.code {
			t.Errorf("%s: %d %q, want %d %s (body %.300s)", c.name, r.status, r.gql.code(), c.status, c.code, r.body)
			continue
		}
		msg := r.gql.Errors[0].Message
		if c.msgHas != "" && !strings.Contains(msg, c.msgHas) {
			t.Errorf("%s: message %q does not mention %q", c.name, msg, c.msgHas)
		}
		for _, leak := range []string{"Go value", "RawParams", "unmarshal", "{ me {", "__typename }"} {
			if strings.Contains(msg, leak) {
				t.Errorf("%s: message %q leaks %q", c.name, msg, leak)
			}
		}
		if c.allow != "" && !strings.Contains(r.header.Get("Allow"), c.allow) {
			t.Errorf("%s: Allow %q, want it to hold %q", c.name, r.header.Get("Allow"), c.allow)
		}
	}

	// OPTIONS advertises exactly what is served.
	r := rs.raw(t, "OPTIONS", "", "", "", "")
	if r.header.Get("Allow") != "GET, POST, OPTIONS" || r.status >= 300 {
		t.Errorf("OPTIONS: %d Allow %q", r.status, r.header.Get("Allow"))
	}
}
