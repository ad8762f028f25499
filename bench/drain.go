package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// stageDrain preloads a backlog of commands (follow and addInterest by bulk
// persons, each a new edge) onto a fresh commands topic with the service's
// own bus code, then starts `interestgraph consumer` on it and times the
// outcomes it publishes: the consumer's projection rate, with no gateway
// and no clients in the way.
func (r *runner) stageDrain(ctx context.Context) error {
	var runs []Sample
	fr := r.g.fresh() // one for every run: a later run asks for edges no earlier one made
	for rep := range r.cfg.BacklogRepeats {
		s, err := r.drainOnce(ctx, rep, fr)
		if err != nil {
			return err
		}
		r.logf("  drain %d: %d commands at %.0f/s (consumer joined after %.1fs)", rep+1, s.Ops, s.Throughput, s.P50ms/1000)
		s.P50ms = 0 // it carried the join time for the log line only
		runs = append(runs, s)
	}
	res := summarize("writes", "consumer drains a backlog", "ours", "commands", 1, runs)
	if err := tooManyErrors(res); err != nil {
		return err
	}
	r.rep.add(res, fmt.Sprintf("%d preloaded commands; rate from the first outcome to the last (group join excluded)", r.cfg.Backlog))
	return nil
}

func (r *runner) drainOnce(ctx context.Context, rep int, fr *fresh) (Sample, error) {
	prefix := fmt.Sprintf("bench-%sd%d.", r.tag, rep)
	bc := bus.Config{Brokers: r.srv.Brokers, Topics: bus.DefaultTopics(prefix), Partitions: rawPartitions, ReplicationFactor: 1}
	if err := bus.EnsureTopics(ctx, bc); err != nil {
		return Sample{}, err
	}
	b, err := bus.New(bc)
	if err != nil {
		return Sample{}, err
	}
	defer b.Close()
	// Actors are bulk persons (registered: they have names), up to 1,000 of
	// them, each asking for edges it does not have yet.
	actors := min(1000, len(r.g.IDs)-len(r.clients))
	cmds := make([]domain.Command, 0, r.cfg.Backlog)
	for i := range r.cfg.Backlog {
		a := len(r.clients) + i%actors
		var cmd domain.Command
		if i%2 == 0 {
			cmd, err = domain.NewCommand(domain.CmdFollow, r.g.IDs[a], domain.FollowPayload{PersonID: fr.follow(a)}, time.Now())
		} else {
			cmd, err = domain.NewCommand(domain.CmdAddInterest, r.g.IDs[a], domain.InterestPayload{Interest: fr.interest(a)}, time.Now())
		}
		if err != nil {
			return Sample{}, err
		}
		cmds = append(cmds, cmd)
	}
	t := time.Now()
	if err := preload(ctx, b, cmds); err != nil {
		return Sample{}, err
	}
	r.logf("  drain %d: %d commands preloaded in %.1fs", rep+1, len(cmds), time.Since(t).Seconds())
	start := time.Now()
	p, err := startOurs(ctx, r.bin, r.tmp, fmt.Sprintf("ours-drain-%d", rep), "consumer",
		r.ourEnv(prefix, "bench-"+r.tag+"-drain", 0), 0)
	if err != nil {
		return Sample{}, err
	}
	defer p.stop()
	first, last, rejected, err := readOutcomes(ctx, r.srv.Brokers, bc.Topics.Outcomes, r.cfg.Backlog, drainLimit(r.cfg.Backlog), drainIdle)
	if err != nil {
		return Sample{}, fmt.Errorf("%w\nconsumer log:\n%s", err, p.tail())
	}
	s := Sample{Ops: r.cfg.Backlog, Seconds: last.Sub(first).Seconds(), Errors: rejected, P50ms: ms(first.Sub(start))}
	if s.Seconds > 0 {
		s.Throughput = float64(r.cfg.Backlog-1) / s.Seconds
	}
	if rejected > 0 {
		s.FirstError = fmt.Sprintf("%d commands rejected", rejected)
	}
	return s, nil
}

// The preload sends batches of preloadBatch commands (about one produce
// request per partition each) from preloadSenders goroutines: 100,000
// commands take a second or two, where one command per produce round trip
// (a few ms each), one after another, would take minutes.
const (
	preloadBatch   = 1000
	preloadSenders = 4
)

// preload writes cmds onto the commands topic in batches, concurrently;
// their order does not matter (each is a new edge of its actor).
func preload(ctx context.Context, b *bus.Bus, cmds []domain.Command) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []domain.Command)
	errs := make(chan error, preloadSenders)
	var wg sync.WaitGroup
	for range preloadSenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				if err := b.SendCommands(ctx, batch...); err != nil {
					errs <- fmt.Errorf("preload: %w", err)
					cancel() // the others stop; the first error is the one reported
					return
				}
			}
		}()
	}
feed:
	for i := 0; i < len(cmds); i += preloadBatch {
		select {
		case batches <- cmds[i:min(i+preloadBatch, len(cmds))]:
		case <-ctx.Done():
			break feed
		}
	}
	close(batches)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

// drainIdle is how long the drain waits for the next outcome (the first
// one included: the consumer joins its group first) before it gives up;
// a consumer that is slow but moving is given drainLimit.
const drainIdle = 2 * time.Minute

// drainLimit bounds a whole drain: two minutes for the join, plus the
// backlog at 200 commands/s, a fifth of the rate measured on 2 cores
// (about 1,000/s): 100,000 commands get 10 minutes.
func drainLimit(backlog int) time.Duration {
	return 2*time.Minute + time.Duration(backlog)*time.Second/200
}

// readOutcomes reads n outcomes from every partition of topic and returns
// the broker timestamps of the first and the last, and how many were not
// APPLIED. It gives up after limit, or after idle without an outcome.
func readOutcomes(parent context.Context, brokers []string, topic string, n int, limit, idle time.Duration) (first, last time.Time, rejected int, err error) {
	ctx, cancel := context.WithTimeout(parent, limit)
	defer cancel()
	var mu sync.Mutex
	count := 0
	seen := time.Now() // when the last outcome arrived
	var wg sync.WaitGroup
	for p := range rawPartitions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p,
				MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 200 * time.Millisecond})
			defer rd.Close()
			for {
				m, rerr := rd.ReadMessage(ctx)
				if rerr != nil {
					return // ctx ended: all read, stalled, or the time limit
				}
				var out domain.Outcome
				_ = json.Unmarshal(m.Value, &out)
				mu.Lock()
				count++
				seen = time.Now()
				if first.IsZero() || m.Time.Before(first) {
					first = m.Time
				}
				if m.Time.After(last) {
					last = m.Time
				}
				if out.Status != domain.StatusApplied {
					rejected++
				}
				if count >= n {
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
	stalled := false
	go func() { // the idle watch ends with the readers' context
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			mu.Lock()
			if time.Since(seen) > idle {
				stalled = true
				cancel()
			}
			mu.Unlock()
		}
	}()
	wg.Wait()
	cancel()
	mu.Lock()
	defer mu.Unlock()
	switch {
	case count >= n:
		return first, last, rejected, nil
	case parent.Err() != nil:
		return first, last, rejected, fmt.Errorf("drain: %d of %d outcomes: %w", count, n, parent.Err())
	case stalled:
		return first, last, rejected, fmt.Errorf("drain: %d of %d outcomes, then none for %s", count, n, idle)
	}
	return first, last, rejected, fmt.Errorf("drain: %d of %d outcomes after %s", count, n, limit)
}
