package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

// SubResult is one fan-out level: n subscribers of one person's events
// while that person emits events at a steady rate.
type SubResult struct {
	Subscribers      int     `json:"subscribers"`
	Rate             float64 `json:"rate"` // events per second
	Events           int     `json:"events"`
	Delivered        int     `json:"delivered"`
	Drops            int     `json:"drops"` // expected deliveries that never came
	Ended            int     `json:"endedByServer"`
	DeliveriesPerSec float64 `json:"deliveriesPerSec"`
	P50ms            float64 `json:"p50ms"` // event `at` (decided by the consumer) to receipt by the subscriber
	P99ms            float64 `json:"p99ms"`
	RSSBaseKiB       int     `json:"rssBaseKiB"` // gateway RSS before the subscribers connected
	RSSKiB           int     `json:"rssKiB"`     // with the subscribers connected, before the events
	RSSPeakKiB       int     `json:"rssPeakKiB"` // highest while the events flowed
	RSSPerSubKiB     float64 `json:"rssPerSubscriberKiB"`
	Rerun            bool    `json:"rerun"` // a level run again: its RSS per subscriber says nothing

	lat []time.Duration
}

const personEvents = `subscription($p: ID!) { personEvents(personId: $p) { __typename id at commandId } }`

// stageSubs opens each level's subscribers (graphql-transport-ws, anonymous:
// personEvents is public), makes the emitter emit SubEvents InterestAdded
// events at SubRate per second, and counts what arrives. The selection has
// no field that reads Neo4j, so this measures the fan-out itself. The
// emitter is a registered person outside the graph and the write stages.
func (r *runner) stageSubs(ctx context.Context) error {
	run := func(n int, rate float64) error {
		res, err := r.fanOut(ctx, n, rate)
		if err != nil {
			return fmt.Errorf("%d subscribers: %w", n, err)
		}
		for _, prev := range r.rep.Subs {
			// The gateway's RSS before a second run of a level still holds
			// what the first left (Go returns memory to the system slowly).
			res.Rerun = res.Rerun || prev.Subscribers == n
		}
		r.rep.Subs = append(r.rep.Subs, res)
		r.logf("  %5d subscribers at %g events/s: %d/%d delivered (%.0f/s), p50 %.1f ms, p99 %.1f ms, RSS %d→%d KiB (%.1f KiB each)",
			n, rate, res.Delivered, n*res.Events, res.DeliveriesPerSec, res.P50ms, res.P99ms, res.RSSBaseKiB, res.RSSKiB, res.RSSPerSubKiB)
		return nil
	}
	capped := false
	for _, n := range r.cfg.Subscribers {
		rate := r.cfg.subRateFor(n)
		capped = capped || rate < r.cfg.SubRate
		if err := run(n, rate); err != nil {
			return err
		}
	}
	if capped {
		// The largest level again at the full rate: where this machine
		// saturates, the bench's subscribers included.
		return run(maxInt(r.cfg.Subscribers), r.cfg.SubRate)
	}
	return nil
}

// sub is one subscriber's record; each has its own lock, so that 10,000
// subscribers reading at once do not queue on one (the load generator
// would then cost more than the fan-out it measures).
type sub struct {
	mu    sync.Mutex
	seen  map[string]bool
	lat   []time.Duration
	ended bool
}

func (r *runner) fanOut(ctx context.Context, n int, rate float64) (SubResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pid := r.ours.cmd.Process.Pid
	res := SubResult{Subscribers: n, Events: r.cfg.SubEvents, Rate: rate}
	res.RSSBaseKiB, _ = rssKiB(pid)
	emitter := r.emitter
	f := dialFleet(ctx, r.ours.url, emitter.ID, n)
	seq := 0
	emit := func() error {
		seq++ // the key names the rate too: a level may run twice (capped, then at the full rate)
		_, err := ourMutation(ctx, r.ours.url, emitter, true, false, fmt.Sprintf("b%s-s%d-r%g-%d", r.tag, n, rate, seq))
		return err
	}
	if err := f.warmUp(ctx, emit); err != nil {
		return res, err
	}
	base := f.received.Load()
	res.RSSKiB, _ = rssKiB(pid)
	res.RSSPeakKiB = res.RSSKiB
	start := time.Now()
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	for range r.cfg.SubEvents {
		<-tick.C
		if err := emit(); err != nil {
			tick.Stop()
			return res, err
		}
		if kib, err := rssKiB(pid); err == nil {
			res.RSSPeakKiB = max(res.RSSPeakKiB, kib)
		}
	}
	tick.Stop()
	want := base + int64(n*r.cfg.SubEvents)
	_ = waitFor(ctx, f.errs, 15*time.Second, func() bool { return f.received.Load() >= want })
	elapsed := time.Since(start)
	cancel()
	f.wg.Wait()
	f.collect(&res, elapsed, r.cfg.SubEvents)
	return res, nil
}

// fleet is the subscribers of one fan-out level.
type fleet struct {
	subs     []*sub
	received atomic.Int64
	wg       sync.WaitGroup
	errs     chan error
}

// dialFleet subscribes n clients to the person's events, dialling at most
// 64 at a time; each listens until ctx ends.
func dialFleet(ctx context.Context, url, personID string, n int) *fleet {
	f := &fleet{subs: make([]*sub, n), errs: make(chan error, n)}
	dials := make(chan struct{}, 64)
	for i := range n {
		f.subs[i] = &sub{seen: map[string]bool{}}
		f.wg.Add(1)
		dials <- struct{}{}
		go func() {
			defer f.wg.Done()
			sock, err := subscribe(ctx, url, personID)
			<-dials
			if err != nil {
				f.errs <- err
				return
			}
			defer sock.CloseNow()
			listen(ctx, sock, f.subs[i], &f.received)
		}()
	}
	return f
}

// ready counts the subscribers that have seen an event.
func (f *fleet) ready() int {
	n := 0
	for _, s := range f.subs {
		s.mu.Lock()
		if len(s.seen) > 0 {
			n++
		}
		s.mu.Unlock()
	}
	return n
}

// warmUp: a subscription is registered on the server a moment after its
// subscribe message, so one early event can miss late ones. It emits one a
// second until every subscriber has seen at least one, then forgets their
// latencies: the warm-up events are not measured.
func (f *fleet) warmUp(ctx context.Context, emit func() error) error {
	n := len(f.subs)
	warm := time.Now().Add(60 * time.Second)
	for f.ready() < n {
		if time.Now().After(warm) {
			return fmt.Errorf("subscribing: timed out after 1m0s (%d of %d got a first event)", f.ready(), n)
		}
		if err := emit(); err != nil {
			return err
		}
		if err := waitFor(ctx, f.errs, time.Second, func() bool { return f.ready() >= n }); err != nil && !strings.Contains(err.Error(), "timed out") {
			return fmt.Errorf("subscribing: %w", err)
		}
	}
	time.Sleep(500 * time.Millisecond) // let the last warm-up events land
	for _, s := range f.subs {
		s.mu.Lock()
		s.lat = s.lat[:0]
		s.mu.Unlock()
	}
	return nil
}

// collect fills res with the fleet's deliveries of events events.
func (f *fleet) collect(res *SubResult, elapsed time.Duration, events int) {
	n := len(f.subs)
	for _, s := range f.subs {
		res.lat = append(res.lat, s.lat...)
		if s.ended {
			res.Ended++
		}
	}
	smp := newSample(res.lat, len(res.lat), 0, elapsed, nil)
	res.lat = smp.lat
	res.Delivered, res.P50ms, res.P99ms = len(smp.lat), smp.P50ms, smp.P99ms
	res.Drops = n*events - res.Delivered
	res.DeliveriesPerSec = smp.Throughput
	res.RSSPerSubKiB = float64(res.RSSKiB-res.RSSBaseKiB) / float64(n)
}

// subscribe opens a graphql-transport-ws connection and subscribes to the
// person's events.
func subscribe(ctx context.Context, url, person string) (*gqlclient.Socket, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sock, err := gqlclient.Dial(dctx, url, gqlclient.DialOptions{})
	if err != nil {
		return nil, err
	}
	if err := sock.Subscribe(dctx, "1", personEvents, map[string]any{"p": person}); err != nil {
		_ = sock.CloseNow()
		return nil, err
	}
	return sock, nil
}

// listen records each event's delay from its `at` until it was read, once
// per id. It reads the socket itself and decodes each message once, into
// just the fields it needs: the load generator shares the gateway's
// cores, and gqlclient's general reader (envelope, then payload) cost it
// half again as much CPU per delivery, all of it counted in the latency.
func listen(ctx context.Context, sock *gqlclient.Socket, s *sub, received *atomic.Int64) {
	for {
		_, raw, err := sock.Conn().Read(ctx)
		if err != nil {
			return
		}
		at := time.Now()
		var m struct {
			Type    string `json:"type"`
			Payload struct {
				Data struct {
					PersonEvents struct {
						ID string    `json:"id"`
						At time.Time `json:"at"`
					} `json:"personEvents"`
				} `json:"data"`
			} `json:"payload"`
		}
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		switch m.Type {
		case "ping":
			if sock.Send(ctx, map[string]any{"type": "pong"}) != nil {
				return
			}
		case "complete", "error":
			s.mu.Lock()
			s.ended = true
			s.mu.Unlock()
			return
		case "next":
			ev := m.Payload.Data.PersonEvents
			s.mu.Lock()
			if ev.ID != "" && !s.seen[ev.ID] {
				s.seen[ev.ID] = true
				s.lat = append(s.lat, at.Sub(ev.At))
				received.Add(1)
			}
			s.mu.Unlock()
		}
	}
}

// waitFor polls cond until it holds, a subscriber fails, or d passes.
func waitFor(ctx context.Context, errs chan error, d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		select {
		case err := <-errs:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", d)
		}
	}
	return nil
}
