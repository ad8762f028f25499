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
	for rep := range r.cfg.Repeats {
		s, err := r.drainOnce(ctx, rep)
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

func (r *runner) drainOnce(ctx context.Context, rep int) (Sample, error) {
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
	// them, each asking for edges it does not have yet; each run its own.
	fr := r.g.fresh()
	actors := min(1000, len(r.g.IDs)-len(r.clients))
	var cmds []domain.Command
	for i := range r.cfg.Backlog {
		a := len(r.clients) + (rep*r.cfg.Backlog+i)%actors
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
	for i := 0; i < len(cmds); i += 500 {
		if err := b.SendCommands(ctx, cmds[i:min(i+500, len(cmds))]...); err != nil {
			return Sample{}, err
		}
	}
	start := time.Now()
	p, err := startOurs(ctx, r.bin, r.tmp, fmt.Sprintf("ours-drain-%d", rep), "consumer",
		r.ourEnv(prefix, "bench-"+r.tag+"-drain", 0), 0)
	if err != nil {
		return Sample{}, err
	}
	defer p.stop()
	first, last, rejected, err := readOutcomes(ctx, r.srv.Brokers, bc.Topics.Outcomes, r.cfg.Backlog, 5*time.Minute)
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

// readOutcomes reads n outcomes from every partition of topic and returns
// the broker timestamps of the first and the last, and how many were not
// APPLIED.
func readOutcomes(ctx context.Context, brokers []string, topic string, n int, limit time.Duration) (first, last time.Time, rejected int, err error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var mu sync.Mutex
	count := 0
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
					return // ctx ended: all read, or the time limit
				}
				var out domain.Outcome
				_ = json.Unmarshal(m.Value, &out)
				mu.Lock()
				count++
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
	wg.Wait()
	if count < n {
		return first, last, rejected, fmt.Errorf("drain: %d of %d outcomes after %s", count, n, limit)
	}
	return first, last, rejected, nil
}
