package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/metrics"
)

// withMetrics serves /metrics beside h unless METRICS_ADDR moves it to a
// listener of its own (an operator keeping it off the public port).
func withMetrics(metricsAddr string, h http.Handler) http.Handler {
	if metricsAddr != "" {
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	mux.Handle("/", h)
	return mux
}

// serveMetrics listens on addr and serves /metrics (and /healthz, for a
// consumer's health check) until the returned stop is called.
func serveMetrics(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for metrics: %w", addr, err)
	}
	return serveMetricsOn(ln, log), nil
}

func serveMetricsOn(ln net.Listener, log *slog.Logger) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	srv := newHTTPServer(mux)
	go func() { _ = srv.Serve(ln) }()
	log.Info("metrics ready", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}

// metricsAddr is where a process of roles serves /metrics on a listener of
// its own: METRICS_ADDR, or HTTP_ADDR for a consumer alone, which has no
// other listener. "" means the gateway's port serves it.
func metricsAddr(cfg config.Config, r roles) string {
	if cfg.MetricsAddr != "" || r.gateway {
		return cfg.MetricsAddr
	}
	return cfg.HTTPAddr
}
