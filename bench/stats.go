package main

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Sample is one measured run.
type Sample struct {
	Ops        int     `json:"ops"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	Throughput float64 `json:"throughput"` // ops per second
	P50ms      float64 `json:"p50ms"`
	P99ms      float64 `json:"p99ms"`
	FirstError string  `json:"firstError,omitempty"`

	lat []time.Duration // sorted; kept for the charts, not the JSON
}

// Spread is the median of repeated runs and their range.
type Spread struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Result is one point of a table: repeated runs of one contestant doing one
// thing at one concurrency.
type Result struct {
	Stage       string   `json:"stage"`
	Name        string   `json:"name"`
	Contestant  string   `json:"contestant"`
	Concurrency int      `json:"concurrency,omitempty"`
	Throughput  Spread   `json:"throughput"`
	P50ms       Spread   `json:"p50ms"`
	P99ms       Spread   `json:"p99ms"`
	Errors      int      `json:"errors"`
	Runs        []Sample `json:"runs"`
	Unit        string   `json:"unit"` // what Throughput counts per second
	Note        string   `json:"note,omitempty"`

	lat []time.Duration // of the median run, for the charts
}

// summarize turns repeated samples into a Result.
func summarize(stage, name, contestant, unit string, conc int, runs []Sample) Result {
	r := Result{Stage: stage, Name: name, Contestant: contestant, Unit: unit, Concurrency: conc, Runs: runs}
	pick := func(f func(Sample) float64) Spread {
		var xs []float64
		for _, s := range runs {
			xs = append(xs, f(s))
		}
		return spreadOf(xs)
	}
	r.Throughput = pick(func(s Sample) float64 { return s.Throughput })
	r.P50ms = pick(func(s Sample) float64 { return s.P50ms })
	r.P99ms = pick(func(s Sample) float64 { return s.P99ms })
	best := -1.0
	for _, s := range runs {
		r.Errors += s.Errors
		// The run closest to the median throughput lends its latencies to the charts.
		if d := abs(s.Throughput - r.Throughput.Median); best < 0 || d < best {
			best, r.lat = d, s.lat
		}
	}
	return r
}

func spreadOf(xs []float64) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Spread{Median: m, Min: s[0], Max: s[len(s)-1]}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// newSample computes throughput and percentiles over ops finished in elapsed.
func newSample(lat []time.Duration, ops, errs int, elapsed time.Duration, firstErr error) Sample {
	slices.Sort(lat)
	s := Sample{Ops: ops, Errors: errs, Seconds: elapsed.Seconds(), lat: lat,
		P50ms: ms(percentile(lat, 0.50)), P99ms: ms(percentile(lat, 0.99))}
	if elapsed > 0 {
		s.Throughput = float64(ops) / elapsed.Seconds()
	}
	if firstErr != nil {
		s.FirstError = firstErr.Error()
	}
	return s
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// op is one request of a load; worker is 0..concurrency-1 and seq counts
// that worker's requests.
type op func(ctx context.Context, worker, seq int) error

// closedLoop runs conc workers that each send requests back to back until
// d has passed (a closed loop: the next request leaves when the previous
// answer arrives). Successful requests count; failed ones are errors.
func closedLoop(ctx context.Context, conc int, d time.Duration, fn op) Sample {
	deadline := time.Now().Add(d)
	return drive(ctx, conc, func(int) bool { return time.Now().Before(deadline) }, fn)
}

// countLoop is a closed loop over n requests shared by conc workers.
func countLoop(ctx context.Context, conc, n int, fn op) Sample {
	var taken atomic.Int64
	return drive(ctx, conc, func(int) bool { return taken.Add(1) <= int64(n) }, fn)
}

func drive(ctx context.Context, conc int, more func(seq int) bool, fn op) Sample {
	var (
		mu       sync.Mutex
		all      []time.Duration
		errs     int
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var n int
			var first error
			for seq := 0; ctx.Err() == nil && more(seq); seq++ {
				t := time.Now()
				if err := fn(ctx, w, seq); err != nil {
					n++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all, errs = append(all, lat...), errs+n
			if firstErr == nil {
				firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return newSample(all, len(all), errs, time.Since(start), firstErr)
}
