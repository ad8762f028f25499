// Command bench measures interestgraph against its raw limits and against
// a peer (@neo4j/graphql on Apollo Server), on one machine, in one run:
//
//	make bench ARGS="[-scale smoke|default|large] [-stages kafka,reads,writes,drain,subs,rebuild] [-peer=false] [-out DIR] [-docs docs/BENCHMARKS.md]"
//
// It needs the dev stack (scripts/devstack up; eval "$(scripts/devstack env)").
// It builds and starts the service itself, with its own topics and consumer
// group, registers clients through the API, loads an LDBC-like graph
// straight into Neo4j, runs the stages and writes DIR/<scale>.json,
// DIR/<scale>.md and charts. Data it created is wiped at the end. See
// docs/BENCHMARKS.md.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/interestgraph/interestgraph/internal/gctune"
)

func main() {
	// The load generator shares the machine with what it measures: its
	// collector gets the service's minimum heap, for every contestant.
	_ = gctune.Start(gctune.DefaultMinHeap)
	cfg, err := parseConfig(os.Args[1:])
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, args ...any) { log.Printf(format, args...) }
	rep, err := run(ctx, cfg, logf)
	if err != nil {
		log.Printf("run failed: %v", err)
	}
	if rep != nil {
		files, werr := rep.write(cfg.Out, cfg.Docs)
		if werr != nil {
			log.Printf("writing results: %v", werr)
		}
		for _, f := range files {
			fmt.Println(f)
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}
