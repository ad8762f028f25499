package webapp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/interestgraph/interestgraph/internal/webapp"
)

func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	dist := fstest.MapFS{
		"dist/index.html":        {Data: []byte("<html>app</html>")},
		"dist/playground.html":   {Data: []byte("<html>graphiql</html>")},
		"dist/assets/app-abc.js": {Data: []byte("console.log(1)")},
	}
	h := webapp.New(dist)
	mux := http.NewServeMux()
	mux.Handle("GET /app/", h)
	mux.Handle("GET /{$}", h.Playground())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestServesPagesAndAssetsWithCacheHeadersAndCSP(t *testing.T) {
	srv := testServer(t)
	cases := []struct {
		path, body, cache string
		status            int
	}{
		{"/", "graphiql", "no-cache", 200},
		{"/app/", "app", "no-cache", 200},
		{"/app/assets/app-abc.js", "console.log(1)", "public, max-age=31536000, immutable", 200},
		{"/app/assets/", "", "", 404}, // no listings
		{"/app/assets/missing.js", "", "", 404},
		{"/app/../../etc/passwd", "", "", 404},
	}
	for _, c := range cases {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		buf := new(strings.Builder)
		_, _ = io.Copy(buf, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.path, resp.StatusCode, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if !strings.Contains(buf.String(), c.body) {
			t.Errorf("%s: body %q", c.path, buf)
		}
		if got := resp.Header.Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
		if got := resp.Header.Get("Content-Security-Policy"); got != webapp.CSP {
			t.Errorf("%s: CSP %q", c.path, got)
		}
	}
}

func TestPageRevalidatesWithETag(t *testing.T) {
	srv := testServer(t)
	resp, err := http.Get(srv.URL + "/app/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on the page")
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/app/", nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d, want 304", resp.StatusCode)
	}
}
