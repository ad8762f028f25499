// Command interestgraph runs the service.
//
//	interestgraph [serve]   gateway and consumers in one process (default)
//	interestgraph gateway   the GraphQL gateway alone
//	interestgraph consumer  the command consumers alone
//	interestgraph rebuild   replay the events topic into an empty graph
//	interestgraph auth      the auth component alone (gateways reach it with AUTH_URL)
//	interestgraph analytics [NAME]  list the Cypher analytics queries, or run one
//	interestgraph help [SUBCOMMAND]  purpose, flags and environment variables
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
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/gctune"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

func main() {
	// A process-wide setting for the process's life, made here rather
	// than in run, which tests call in process: see package gctune.
	_ = gctune.Start(gctune.DefaultMinHeap)
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "interestgraph:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "help":
			return help(out, args[1:])
		case a == "-h" || a == "-help" || a == "--help":
			usage(out)
			return nil
		case a != "" && a[0] != '-':
			cmd, args = a, args[1:]
		}
	}
	c, ok := lookup(cmd)
	if !ok {
		return unknownCommand(cmd)
	}
	var o options
	if cmd == "analytics" && len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		o.query, args = args[0], args[1:] // the query's name comes before its flags
	}
	fs := flagSet(cmd, &o)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		if o.query != "" {
			return describeQuery(out, o.query)
		}
		return help(out, []string{c.name})
	} else if err != nil {
		return fmt.Errorf("%s: %w (interestgraph help %s lists its flags)", cmd, err, cmd)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (interestgraph help %s)", cmd, fs.Arg(0), cmd)
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("configuration (interestgraph help %s lists the variables):\n%w", cmd, err)
	}
	log := cfg.Logger()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if cmd == "analytics" {
		return runAnalytics(ctx, cfg, out, o)
	}
	shutdown, err := tracing.Setup(ctx, cfg.Tracing, "interestgraph-"+cmd)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := shutdown(sctx); err != nil {
			log.Warn("flushing traces failed", "err", err)
		}
	}()
	return dispatch(ctx, cmd, cfg, log, o)
}

func dispatch(ctx context.Context, cmd string, cfg config.Config, log *slog.Logger, o options) error {
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, roles{gateway: true, consumer: true}, o.demo)
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
	default: // rebuild
		if cfg.Embedded() {
			return errors.New("rebuild needs KAFKA_BROKERS and NEO4J_URI")
		}
		return rebuild(ctx, cfg, log, rebuildOptions{force: o.force, wipe: o.wipe, confirm: o.confirm})
	}
}
