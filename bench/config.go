package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is one benchmark run: the scale and which stages to run.
type Config struct {
	Scale string `json:"scale"`

	// The graph: LDBC SNB-like degrees (see graph.go).
	Persons            int     `json:"persons"`
	FollowsPerPerson   float64 `json:"followsPerPerson"`
	InterestsPerPerson float64 `json:"interestsPerPerson"`
	Tags               int     `json:"tags"`
	TagExponent        float64 `json:"tagExponent"` // Zipf-like popularity of tags: weight of rank k is k^-s
	Seed               int64   `json:"seed"`

	// Clients are persons registered through our API (they hold tokens).
	Clients     int   `json:"clients"`
	Concurrency []int `json:"concurrency"` // client concurrency levels; every contestant gets the same
	// WriteConcurrency are the levels of the writes that wait for APPLIED
	// (Concurrency when empty): a level of their own, because one more
	// level for every read would add minutes to the run.
	WriteConcurrency []int `json:"writeConcurrency"`

	Warmup   time.Duration `json:"warmup"`
	Duration time.Duration `json:"duration"` // one measured run of a duration-bound load
	Repeats  int           `json:"repeats"`  // runs per point; medians and spread are reported

	KafkaMessages  int `json:"kafkaMessages"`  // raw produce/consume
	LoadRepeats    int `json:"loadRepeats"`    // raw Neo4j loads of the whole graph
	AsyncPerClient int `json:"asyncPerClient"` // fire-and-forget mutations per client
	Backlog        int `json:"backlog"`        // commands preloaded for the consumer to drain
	// CelebrityFollowers is the follower count of the person whose first
	// page of followers is read against one with SmallFollowers.
	CelebrityFollowers int `json:"celebrityFollowers"`
	// BacklogRepeats are the runs of the drain and the rebuild (Repeats
	// when 0): one drain of 100,000 commands lasts a minute or two and is
	// steady on its own; three would not fit the default run's ten minutes.
	BacklogRepeats int `json:"backlogRepeats"`
	RoundTripReqs  int `json:"roundTripRequests"`

	Subscribers []int   `json:"subscribers"`
	SubEvents   int     `json:"subEvents"` // events emitted per fan-out level
	SubRate     float64 `json:"subRate"`   // events per second
	// SubDeliveries caps a level's deliveries per second (its rate times
	// its subscribers; 0: no cap). The bench's subscribers share the
	// gateway's cores, so past a point a level measures the machine's
	// saturation rather than the fan-out's latency; a capped run is
	// followed by its largest level at the full rate, to show both.
	SubDeliveries int `json:"subDeliveries"`

	Stages stageSet `json:"stages"`
	Peer   bool     `json:"peer"`
	Out    string   `json:"-"`
	Docs   string   `json:"-"` // a page whose generated results section is refreshed
	Keep   bool     `json:"-"` // leave the data in Neo4j (debugging)
}

// scales: smoke runs in seconds (the test), default in under ten minutes
// on 2 cores, large is the documented bigger run.
var scales = map[string]Config{
	"smoke": {Persons: 300, Tags: 300, Clients: 4, Concurrency: []int{1, 4},
		Warmup: 100 * time.Millisecond, Duration: 400 * time.Millisecond, Repeats: 1,
		KafkaMessages: 2000, LoadRepeats: 1, AsyncPerClient: 10, Backlog: 100, RoundTripReqs: 3, CelebrityFollowers: 1000,
		Subscribers: []int{1, 10}, SubEvents: 5, SubRate: 20},
	"default": {Persons: 5000, Tags: 5000, Clients: 64, Concurrency: []int{1, 4, 16}, WriteConcurrency: []int{1, 4, 16, 64},
		Warmup: time.Second, Duration: 2 * time.Second, Repeats: 3,
		KafkaMessages: 200000, LoadRepeats: 3, AsyncPerClient: 40, Backlog: 100000, BacklogRepeats: 1, RoundTripReqs: 20, CelebrityFollowers: 100000,
		Subscribers: []int{1, 100, 1000, 10000}, SubEvents: 100, SubRate: 20, SubDeliveries: 20000},
	"large": {Persons: 50000, Tags: 50000, Clients: 64, Concurrency: []int{1, 4, 16, 64},
		Warmup: 2 * time.Second, Duration: 5 * time.Second, Repeats: 3,
		KafkaMessages: 1000000, LoadRepeats: 3, AsyncPerClient: 100, Backlog: 100000, RoundTripReqs: 20, CelebrityFollowers: 100000,
		Subscribers: []int{1, 100, 1000, 10000}, SubEvents: 200, SubRate: 20, SubDeliveries: 20000},
}

// The optional stages, in the order they run. Registering the clients and
// loading the graph (the raw Neo4j limit) always run: the others need them.
// rebuild is last: it removes the run's part of the graph and replays the
// run's events topic into it.
var allStages = []string{"kafka", "reads", "writes", "drain", "subs", "rebuild"}

type stageSet map[string]bool

func (s stageSet) MarshalJSON() ([]byte, error) {
	var on []string
	for _, st := range allStages {
		if s[st] {
			on = append(on, strconv.Quote(st))
		}
	}
	return []byte("[" + strings.Join(on, ",") + "]"), nil
}

func (s *stageSet) UnmarshalJSON(b []byte) error {
	var on []string
	if err := json.Unmarshal(b, &on); err != nil {
		return err
	}
	*s = stageSet{}
	for _, st := range on {
		(*s)[st] = true
	}
	return nil
}

func parseConfig(args []string) (Config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	scale := fs.String("scale", "default", "smoke, default or large")
	stages := fs.String("stages", "all", "comma-separated subset of "+strings.Join(allStages, ","))
	persons := fs.Int("persons", 0, "persons in the graph (overrides the scale)")
	conc := fs.String("concurrency", "", "client concurrency levels, e.g. 1,4,16 (overrides the scale)")
	writeConc := fs.String("write-concurrency", "", "levels of the writes waiting for APPLIED, e.g. 1,4,16,64 (default: the scale's, else -concurrency)")
	backlog := fs.Int("backlog", 0, "commands preloaded for the drain (overrides the scale)")
	subs := fs.String("subscribers", "", "subscriber counts, e.g. 1,100,1000,10000 (overrides the scale)")
	subRate := fs.Float64("sub-rate", 0, "events per second at each fan-out level (overrides the scale)")
	subDeliveries := fs.Int("sub-deliveries", -1, "cap on a fan-out level's deliveries per second, 0 for none (default: the scale's)")
	repeats := fs.Int("repeats", 0, "runs per measured point (overrides the scale)")
	duration := fs.Duration("duration", 0, "length of one measured run (overrides the scale)")
	peer := fs.Bool("peer", true, "run the @neo4j/graphql peer")
	out := fs.String("out", "", "output folder (default bench/results for -scale=default, else bench/results/tmp)")
	keep := fs.Bool("keep", false, "leave the benchmark's data in Neo4j")
	docs := fs.String("docs", "", "also refresh the results section of this page (docs/BENCHMARKS.md)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	cfg, ok := scales[*scale]
	if !ok {
		return Config{}, fmt.Errorf("unknown scale %q (smoke, default, large)", *scale)
	}
	cfg.Scale, cfg.Peer, cfg.Keep = *scale, *peer, *keep
	cfg.FollowsPerPerson, cfg.InterestsPerPerson, cfg.TagExponent, cfg.Seed = 36, 23, 0.8, 6
	if *persons > 0 {
		cfg.Persons, cfg.Tags = *persons, *persons
	}
	if *repeats > 0 {
		cfg.Repeats = *repeats
	}
	if *duration > 0 {
		cfg.Duration = *duration
	}
	if *backlog > 0 {
		cfg.Backlog = *backlog
	}
	if cfg.BacklogRepeats <= 0 || *repeats > 0 {
		cfg.BacklogRepeats = cfg.Repeats
	}
	var err error
	if *conc != "" {
		if cfg.Concurrency, err = ints(*conc); err != nil {
			return Config{}, fmt.Errorf("-concurrency: %w", err)
		}
		cfg.WriteConcurrency = nil // the levels asked for, unless -write-concurrency says otherwise
	}
	if *writeConc != "" {
		if cfg.WriteConcurrency, err = ints(*writeConc); err != nil {
			return Config{}, fmt.Errorf("-write-concurrency: %w", err)
		}
	}
	if len(cfg.WriteConcurrency) == 0 {
		cfg.WriteConcurrency = cfg.Concurrency
	}
	if err := cfg.fanOutFlags(*subs, *subRate, *subDeliveries); err != nil {
		return Config{}, err
	}
	if cfg.Stages, err = parseStages(*stages); err != nil {
		return Config{}, err
	}
	// One actor per concurrent writer.
	cfg.Clients = max(cfg.Clients, maxInt(cfg.Concurrency), maxInt(cfg.WriteConcurrency))
	cfg.Out, cfg.Docs = *out, *docs
	if cfg.Out == "" {
		cfg.Out = filepath.Join("bench", "results")
		if cfg.Scale != "default" {
			cfg.Out = filepath.Join(cfg.Out, "tmp") // git-ignored scratch
		}
	}
	return cfg, nil
}

// fanOutFlags applies -subscribers, -sub-rate and -sub-deliveries (each
// left at the scale's when not given: "", 0, -1).
func (cfg *Config) fanOutFlags(subs string, rate float64, deliveries int) error {
	if subs != "" {
		var err error
		if cfg.Subscribers, err = ints(subs); err != nil {
			return fmt.Errorf("-subscribers: %w", err)
		}
	}
	switch {
	case rate < 0 || rate > 1000:
		return fmt.Errorf("-sub-rate %g: want 0 (the scale's) up to 1000 events per second", rate)
	case rate > 0:
		cfg.SubRate = rate
	}
	if deliveries >= 0 {
		cfg.SubDeliveries = deliveries
	}
	return nil
}

func parseStages(s string) (stageSet, error) {
	set := stageSet{}
	if s == "all" {
		for _, st := range allStages {
			set[st] = true
		}
		return set, nil
	}
	for _, st := range strings.Split(s, ",") {
		st = strings.TrimSpace(st)
		known := false
		for _, a := range allStages {
			known = known || a == st
		}
		if !known {
			return nil, fmt.Errorf("unknown stage %q (%s)", st, strings.Join(allStages, ","))
		}
		set[st] = true
	}
	return set, nil
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// servers says where the dev stack runs, from the same variables the
// service and the integration tests use.
type servers struct {
	Brokers                       []string
	Neo4jURI, Neo4jUser, Neo4jPwd string
}

func serversFromEnv() (servers, error) {
	s := servers{Neo4jURI: os.Getenv("NEO4J_URI"), Neo4jUser: os.Getenv("NEO4J_USER"), Neo4jPwd: os.Getenv("NEO4J_PASSWORD")}
	if b := os.Getenv("KAFKA_BROKERS"); b != "" {
		s.Brokers = strings.Split(b, ",")
	}
	if s.Neo4jUser == "" {
		s.Neo4jUser = "neo4j"
	}
	if len(s.Brokers) == 0 || s.Neo4jURI == "" || s.Neo4jPwd == "" {
		return s, fmt.Errorf("KAFKA_BROKERS, NEO4J_URI and NEO4J_PASSWORD must be set: scripts/devstack up && eval \"$(scripts/devstack env)\"")
	}
	return s, nil
}

// subRateFor is the rate of the fan-out level of n subscribers: SubRate,
// capped at SubDeliveries deliveries per second.
func (c Config) subRateFor(n int) float64 {
	if c.SubDeliveries > 0 && n > 0 {
		return min(c.SubRate, float64(c.SubDeliveries)/float64(n))
	}
	return c.SubRate
}
