// Command interestgraph runs the service.
//
//	interestgraph [serve]   gateway and consumers in one process (default)
//	interestgraph gateway   the GraphQL gateway alone
//	interestgraph consumer  the command consumers alone
//	interestgraph rebuild   replay the events topic into an empty graph
//	interestgraph auth      the auth component alone (gateways reach it with AUTH_URL)
//
// Configuration comes from the environment (see the README). With neither
// KAFKA_BROKERS nor NEO4J_URI set, serve runs the embedded default: an
// in-process Kafka-protocol broker and an in-memory graph.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/interestgraph/interestgraph/internal/config"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "interestgraph:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	demo := fs.Bool("demo", false, "serve: load a small demo social graph (a few hundred persons) at start")
	force := fs.Bool("force", false, "rebuild: replay even if the graph is not empty (projection is idempotent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := cfg.Logger()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, roles{gateway: true, consumer: true}, *demo)
	case "gateway":
		if cfg.Embedded() {
			return errors.New("gateway alone needs KAFKA_BROKERS and NEO4J_URI (the embedded default lives in one process: use serve)")
		}
		return serve(ctx, cfg, log, roles{gateway: true}, false)
	case "consumer":
		if cfg.Embedded() {
			return errors.New("consumer alone needs KAFKA_BROKERS and NEO4J_URI (the embedded default lives in one process: use serve)")
		}
		return serve(ctx, cfg, log, roles{consumer: true}, false)
	case "auth":
		return serveAuth(ctx, cfg, log)
	case "rebuild":
		if cfg.Embedded() {
			return errors.New("rebuild needs KAFKA_BROKERS and NEO4J_URI")
		}
		return rebuild(ctx, cfg, log, *force)
	default:
		return fmt.Errorf("unknown command %q (serve, gateway, consumer, rebuild, auth)", cmd)
	}
}
