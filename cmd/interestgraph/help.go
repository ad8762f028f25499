package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/interestgraph/interestgraph/internal/config"
)

// subcommand is one thing the binary does.
type subcommand struct {
	name, purpose string
}

var subcommands = []subcommand{
	{"serve", "gateway and consumers in one process (the default). With neither KAFKA_BROKERS nor NEO4J_URI\nset it runs the embedded default: an in-process Kafka-protocol broker and an in-memory graph."},
	{"gateway", "the GraphQL gateway alone (needs KAFKA_BROKERS and NEO4J_URI)."},
	{"consumer", "the command consumers alone (needs KAFKA_BROKERS and NEO4J_URI)."},
	{"rebuild", "replay the events topic into an empty graph (needs KAFKA_BROKERS and NEO4J_URI)."},
	{"auth", "the auth component alone; gateways reach it with AUTH_URL and AUTH_SHARED_SECRET."},
	{"analytics", "list the Cypher analytics queries, or run one read-only against NEO4J_URI:\ninterestgraph analytics NAME [-param name=value]... [-format table|csv|json]"},
}

func lookup(name string) (subcommand, bool) {
	for _, c := range subcommands {
		if c.name == name {
			return c, true
		}
	}
	return subcommand{}, false
}

// options are the flags of every subcommand; each subcommand registers
// only its own, so `serve -force` is an error, not silently ignored.
type options struct {
	demo, force, wipe, confirm bool
	query                      string // analytics: the query's name, given before the flags
	params                     paramFlags
	format                     string
	timeout                    time.Duration
}

func flagSet(cmd string, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // help and errors are ours, not the flag package's "Usage of"
	switch cmd {
	case "serve":
		fs.BoolVar(&o.demo, "demo", false, "load a small demo social graph (a few hundred persons) at start")
	case "rebuild":
		fs.BoolVar(&o.force, "force", false, "replay even if the graph is not empty (the projection is idempotent)")
		fs.BoolVar(&o.wipe, "wipe", false, "first remove the projection (Person, Interest, Transfer nodes and their edges), in batches;\n\tonly with -confirm (without it, say what would be removed); accounts, command records and person keys stay")
		fs.BoolVar(&o.confirm, "confirm", false, "confirm -wipe")
	case "analytics":
		fs.Var(&o.params, "param", "name=value, a parameter of the query (repeatable)")
		fs.StringVar(&o.format, "format", "table", "table, csv or json")
		fs.DurationVar(&o.timeout, "timeout", time.Minute, "the server stops the query after this long (1s-1h)")
	}
	return fs
}

// usage prints the list of subcommands.
func usage(out io.Writer) {
	fmt.Fprintln(out, "interestgraph: a social-interests GraphQL service (Kafka + Neo4j, or all in one process).")
	fmt.Fprintln(out, "\nUsage: interestgraph [SUBCOMMAND] [flags]\n\nSubcommands:")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, c := range subcommands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, strings.SplitN(c.purpose, "\n", 2)[0])
	}
	fmt.Fprintf(tw, "  help [SUBCOMMAND]\tthis text, or a subcommand's flags and environment variables\n")
	_ = tw.Flush()
	fmt.Fprintln(out, "\nConfiguration comes from environment variables: interestgraph help SUBCOMMAND lists them.")
}

// commandHelp prints a subcommand's purpose, flags and the variables it
// reads with their defaults, from config.Vars so it cannot drift.
func commandHelp(out io.Writer, c subcommand) {
	fmt.Fprintf(out, "interestgraph %s: %s\n\nUsage: interestgraph %s [flags]\n", c.name, c.purpose, c.name)
	fs := flagSet(c.name, &options{})
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		if n == 0 {
			fmt.Fprintln(tw, "\nFlags:")
		}
		n++
		fmt.Fprintf(tw, "  -%s\t%s\n", f.Name, f.Usage)
	})
	fmt.Fprintln(tw, "\nEnvironment:\tdefault\t")
	for _, v := range config.VarsFor(c.name) {
		def := v.Default
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Name, def, v.Doc)
	}
	_ = tw.Flush()
}

// help answers `interestgraph help [SUBCOMMAND]`.
func help(out io.Writer, args []string) error {
	if len(args) == 0 {
		usage(out)
		return nil
	}
	c, ok := lookup(args[0])
	if !ok {
		return unknownCommand(args[0])
	}
	commandHelp(out, c)
	if c.name == "analytics" {
		fmt.Fprintln(out)
		return listQueries(out)
	}
	return nil
}

func unknownCommand(name string) error {
	names := make([]string, 0, len(subcommands))
	for _, c := range subcommands {
		names = append(names, c.name)
	}
	return fmt.Errorf("unknown command %q (%s, help)", name, strings.Join(names, ", "))
}
