package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/identity"
	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
)

// serveAuth runs the auth component alone: accounts, credentials and token
// families in Neo4j, its HTTP API on AUTH_HTTP_ADDR for the gateways
// (which set AUTH_URL to reach it).
func serveAuth(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.Neo4jURI == "" {
		return errors.New("auth alone needs NEO4J_URI: accounts must outlive the process")
	}
	if len(cfg.AuthSharedSecret) < 16 {
		return errors.New("auth alone needs AUTH_SHARED_SECRET (16+ characters), the gateways' credential")
	}
	st, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase})
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	ids, keys, err := newIdentity(cfg, st.Identity(), auth.DefaultArgon2, log)
	if err != nil {
		return err
	}
	h, err := identity.Handler(ids, keys, cfg.AuthSharedSecret, log)
	if err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.MetricsAddr, log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	h = withMetrics(cfg.MetricsAddr, h)
	ln, err := net.Listen("tcp", cfg.AuthHTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.AuthHTTPAddr, err)
	}
	srv := newHTTPServer(h)
	go func() { _ = srv.Serve(ln) }()
	log.Info("auth component ready", "url", "http://"+ln.Addr().String())
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
