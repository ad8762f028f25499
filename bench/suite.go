package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// runner holds what the stages share: the servers, the subprocesses, the
// clients and the graph.
type runner struct {
	cfg    Config
	srv    servers
	root   string
	tmp    string // the service binary and every subprocess log
	tag    string // run tag: in topic names, person ids and interest names
	logf   func(string, ...any)
	neo    *neo
	bin    string
	ours   *proc
	prefix string // our service's topic prefix
	peer   *proc
	g      *Graph
	// celebrities are the fixed subjects of the followers-page reads.
	celebrities map[string]string

	keyFile string
	emitter client   // registered first, unmeasured (it warms the path up); emits the subscription events
	clients []client // the first persons of the graph; concurrent writer w acts as clients[w]
	rep     *Report
}

// run runs the whole suite once and returns its report. The report is
// returned (as far as it got) even when a stage fails.
func run(ctx context.Context, cfg Config, logf func(string, ...any)) (*Report, error) {
	srv, err := serversFromEnv()
	if err != nil {
		return nil, err
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "interestgraph-bench-")
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, srv: srv, root: root, tmp: tmp, tag: randomHex(4), logf: logf}
	r.prefix = "bench-" + r.tag + "."
	r.rep = newReport(cfg, r.tag)
	started := time.Now()
	err = r.all(ctx)
	r.rep.Seconds = time.Since(started).Seconds()
	if cerr := r.cleanup(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		r.rep.Errors = append(r.rep.Errors, err.Error())
		logf("subprocess logs kept in %s", tmp)
	} else {
		os.RemoveAll(tmp)
	}
	return r.rep, err
}

func (r *runner) all(ctx context.Context) error {
	var err error
	if r.neo, err = openNeo(ctx, r.srv.Neo4jURI, r.srv.Neo4jUser, r.srv.Neo4jPwd); err != nil {
		return err
	}
	if err := r.neo.ensureConstraints(ctx); err != nil {
		return err
	}
	r.logf("building the service")
	if r.bin, err = buildOurs(ctx, r.root, r.tmp); err != nil {
		return err
	}
	if r.keyFile, err = testsupport.WriteSigningKey(r.tmp); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	r.ours, err = startOurs(ctx, r.bin, r.tmp, "ours", "serve", r.ourEnv(r.prefix, "bench-"+r.tag, port), port)
	if err != nil {
		return err
	}
	if r.cfg.Peer {
		peerDir := filepath.Join(r.root, "bench", "peer")
		if err := ensurePeerInstalled(ctx, peerDir, r.logf); err != nil {
			return err
		}
		if r.peer, err = startPeer(ctx, peerDir, r.tmp, "peer", r.srv, r.srv.Neo4jURI); err != nil {
			return err
		}
	}
	r.rep.Versions = versions(ctx, r)
	stages := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"kafka", r.stageKafka},
		{"register", r.stageRegister},
		{"load", r.stageLoad},
		{"reads", r.stageReads},
		{"writes", r.stageWrites},
		{"drain", r.stageDrain},
		{"subs", r.stageSubs},
		{"rebuild", r.stageRebuild},
	}
	for _, st := range stages {
		if st.name != "register" && st.name != "load" && !r.cfg.Stages[st.name] {
			continue
		}
		t := time.Now()
		r.logf("stage %s", st.name)
		if err := st.fn(ctx); err != nil {
			return fmt.Errorf("stage %s: %w", st.name, err)
		}
		r.rep.StageSeconds[st.name] = time.Since(t).Seconds()
	}
	return nil
}

// cleanup stops the subprocesses and removes the run's data and topics.
func (r *runner) cleanup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r.peer.stop()
	r.ours.stop()
	var err error
	if r.neo != nil {
		r.neo.close()
	}
	if !r.cfg.Keep {
		// A fresh connection: a failed stage may have left the old one unusable.
		n, nerr := openNeo(ctx, r.srv.Neo4jURI, r.srv.Neo4jUser, r.srv.Neo4jPwd)
		if nerr != nil {
			return nerr
		}
		defer n.close()
		ids := r.clientIDs(len(r.clients))
		if r.emitter.ID != "" {
			ids = append(ids, r.emitter.ID)
		}
		err = n.wipeAll(ctx, r.tag, ids)
	}
	if gerr := deleteGroups(ctx, r.srv.Brokers, "bench-"+r.tag); gerr != nil {
		r.logf("cleanup: %v", gerr) // not an error of the run
	}
	return errors.Join(err, deleteTopics(ctx, r.srv.Brokers, "bench-"+r.tag))
}

// stageRegister registers the clients through our API, concurrently: this
// is also our "create a person" measurement (argon2id dominates it).
func (r *runner) stageRegister(ctx context.Context) error {
	// The first registration also waits for the consumer to join its group.
	var err error
	if r.emitter, err = register(ctx, r.ours.url, fmt.Sprintf("bench-%s-emitter@bench.example", r.tag), "Emitter"); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	conc := maxInt(r.cfg.Concurrency)
	r.clients = make([]client, r.cfg.Clients)
	var mu sync.Mutex
	var lat []time.Duration
	var first error
	var wg sync.WaitGroup
	next := make(chan int)
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := time.Now()
				c, err := register(ctx, r.ours.url, fmt.Sprintf("bench-%s-%d@bench.example", r.tag, i), fmt.Sprintf("Client %d", i))
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				lat = append(lat, time.Since(t))
				r.clients[i] = c
				mu.Unlock()
			}
		}()
	}
	for i := range r.cfg.Clients {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		return fmt.Errorf("register: %w", first)
	}
	s := newSample(lat, len(lat), 0, time.Since(start), nil)
	r.rep.add(summarize("writes", "create person", "ours", "persons", conc, []Sample{s}),
		"register: argon2id hash (19 MiB, 2 passes), account, then the RegisterPerson command waited to APPLIED")
	return nil
}

// stageLoad loads the graph straight into Neo4j (the fastest honest route
// for bulk data) and measures it as the raw Neo4j limit: LoadRepeats
// times, wiping in between; the last load stays for the later stages.
func (r *runner) stageLoad(ctx context.Context) error {
	ids := make([]string, len(r.clients))
	for i, c := range r.clients {
		ids[i] = c.ID
	}
	r.g = generateGraph(r.cfg, r.tag, ids)
	f, in := r.g.edges()
	r.rep.Graph = GraphStats{Persons: len(r.g.IDs), Tags: len(r.g.Tags), Follows: f, Interests: in}
	r.rep.Graph.MaxFollows, r.rep.Graph.MaxFollowers, r.rep.Graph.TopTagShare = r.g.shape()
	var runs []LoadRun
	for i := range max(1, r.cfg.LoadRepeats) {
		if i > 0 {
			if err := r.neo.wipeBulk(ctx, r.tag, ids); err != nil {
				return err
			}
		}
		lr, err := r.neo.loadGraph(ctx, r.g, loadBatch, loadWorkers)
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		r.logf("  load %d: %d persons %.1fs, %d interest edges %.1fs, %d follow edges %.1fs", i+1,
			lr.Persons, lr.PersonsSec, lr.Interests, lr.InterestSec, lr.Follows, lr.FollowSec)
		runs = append(runs, lr)
	}
	rate := func(name, unit string, n func(LoadRun) (int, float64)) {
		var ss []Sample
		for _, lr := range runs {
			rows, sec := n(lr)
			ss = append(ss, Sample{Ops: rows, Seconds: sec, Throughput: float64(rows) / sec})
		}
		r.rep.add(summarize("raw", name, "neo4j-go-driver", unit, loadWorkers, ss),
			fmt.Sprintf("UNWIND batches of %d rows, %d writer(s), uniqueness constraints on", loadBatch, loadWorkers))
	}
	rate("Neo4j MERGE persons", "persons", func(l LoadRun) (int, float64) { return l.Persons, l.PersonsSec })
	rate("Neo4j MERGE interest edges", "edges", func(l LoadRun) (int, float64) { return l.Interests, l.InterestSec })
	rate("Neo4j MERGE follow edges", "edges", func(l LoadRun) (int, float64) { return l.Follows, l.FollowSec })
	return r.loadCelebrities(ctx)
}

// The raw load's batching: large UNWIND batches from one writer.
// (One writer with 5,000-row batches beat two writers and smaller
// batches on 2 cores: concurrent edge writers contend for node locks.)
const (
	loadBatch   = 5000
	loadWorkers = 1
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// clientIDs returns the ids of the first n clients.
func (r *runner) clientIDs(n int) []string {
	ids := make([]string, 0, n)
	for _, c := range r.clients[:min(n, len(r.clients))] {
		ids = append(ids, c.ID)
	}
	return ids
}
