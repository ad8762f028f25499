package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/config"
)

// TestMetricsEndpoints: the auth component serves /metrics beside its API
// unless METRICS_ADDR moves it; a consumer alone, which has no other
// listener, serves it on HTTP_ADDR; the metrics listener answers.
func TestMetricsEndpoints(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "api") })
	if body := get(t, withMetrics("", api), "/metrics"); !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics beside the API: %.80q", body)
	}
	if body := get(t, withMetrics("", api), "/auth/login"); body != "api" {
		t.Errorf("the API behind withMetrics answered %q", body)
	}
	if body := get(t, withMetrics("127.0.0.1:9464", api), "/metrics"); body != "api" {
		t.Errorf("with METRICS_ADDR set, /metrics still served beside the API: %.80q", body)
	}
	cfg := config.Config{HTTPAddr: "127.0.0.1:8080"}
	for _, c := range []struct {
		metrics string
		r       roles
		want    string
	}{
		{"", roles{consumer: true}, "127.0.0.1:8080"},
		{"", roles{gateway: true, consumer: true}, ""},
		{":9464", roles{consumer: true}, ":9464"},
		{":9464", roles{gateway: true}, ":9464"},
	} {
		cfg.MetricsAddr = c.metrics
		if got := metricsAddr(cfg, c.r); got != c.want {
			t.Errorf("metricsAddr(METRICS_ADDR=%q, %+v) = %q, want %q", c.metrics, c.r, got, c.want)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := serveMetricsOn(ln, testLogger(t))
	defer stop()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), "process_cpu_seconds_total") {
		t.Errorf("metrics listener: %s %.80q", resp.Status, raw)
	}
}

func get(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Body.String()
}
