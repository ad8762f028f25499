package resolvers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/interestgraph/interestgraph/internal/store/memory"
)

// BenchmarkReads: the benchmark's nested and depth-5 reads through the
// gateway's HTTP handler, in process, over the memory store, answered
// directly and executed by gqlgen; one client, and 16 at once.
//
//	go test -run '^$' -bench BenchmarkReads ./resolvers/
func BenchmarkReads(b *testing.B) {
	st := memory.New()
	ids, _ := seedDirectGraph(b, st)
	srv := newDirectServers(b, st)
	for _, shape := range []struct{ name, query string }{
		{"nested", benchReads["person → following → interests"]},
		{"depth5", benchReads["depth 5: following ×4 → interests"]},
		{"depth5-counts", benchReads["depth 5 with counts"]},
	} {
		body, _ := json.Marshal(map[string]any{"query": shape.query, "variables": map[string]any{"id": ids[3]}})
		for _, path := range []struct {
			name string
			h    http.Handler
		}{{"direct", srv.fast}, {"gqlgen", srv.slow}} {
			b.Run(shape.name+"/"+path.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					post1(b, path.h, body)
				}
			})
			b.Run(shape.name+"/"+path.name+"-16clients", func(b *testing.B) {
				b.ReportAllocs()
				b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						post1(b, path.h, body)
					}
				})
			})
		}
	}
}

func post1(b *testing.B, h http.Handler, body []byte) {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
		b.Fatalf("%d %s", rec.Code, rec.Body.Bytes())
	}
}
