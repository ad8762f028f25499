package gateway_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// srcOrHref finds every URL a page loads or links to.
var srcOrHref = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']?([^"' >]+)`)

// The playground at / and the app at /app/ load nothing from another
// origin: the embedded default must work offline, and a CDN is a third
// party that could serve any script to our users.
func TestPagesLoadNothingFromAnotherOrigin(t *testing.T) {
	gql, _ := testGateway(t)
	base := strings.TrimSuffix(gql, "/graphql")
	for _, page := range []string{"/", "/app/"} {
		t.Run(page, func(t *testing.T) {
			body, resp := get(t, base+page)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", page, resp.StatusCode)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("GET %s: CSP %q does not restrict scripts to this origin", page, csp)
			}
			urls := srcOrHref.FindAllStringSubmatch(body, -1)
			scripts := 0
			for _, m := range urls {
				u := m[1]
				// An absolute or scheme-relative URL names another origin;
				// data: URLs (the empty favicon) name none.
				if strings.Contains(u, "//") {
					t.Errorf("GET %s loads %s", page, u)
					continue
				}
				if strings.HasSuffix(u, ".js") {
					scripts++
					if _, r := get(t, base+u); r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "javascript") {
						t.Errorf("GET %s: %d %s", u, r.StatusCode, r.Header.Get("Content-Type"))
					}
				}
			}
			if scripts == 0 {
				t.Errorf("GET %s: no script of ours in %s", page, body)
			}
		})
	}
}

func get(t *testing.T, url string) (string, *http.Response) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), resp
}
