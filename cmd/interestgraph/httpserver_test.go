package main

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHeadersOverOneMebibyteAreRefused: a request whose headers exceed
// 1 MiB is answered 431 without reaching the handler.
func TestHeadersOverOneMebibyteAreRefused(t *testing.T) {
	reached := make(chan struct{}, 2)
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reached <- struct{}{}
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(header int) int {
		req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
		req.Header.Set("X-Padding", strings.Repeat("a", header))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(900 << 10); code != http.StatusOK {
		t.Fatalf("900 KiB header: status %d, want 200", code)
	}
	if code := get(1100 << 10); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("1.1 MiB header: status %d, want 431", code)
	}
	if len(reached) != 1 {
		t.Fatalf("handler reached %d times, want once", len(reached))
	}
}
