// Package gctune gives the Go collector a minimum heap target.
//
// With the runtime's default (GOGC=100) the collector runs whenever the
// heap has grown by as much as is live. A gateway's live heap is small,
// a few megabytes, while every request allocates tens of kilobytes: at a
// thousand nested reads a second the collector ran 37 times a second, and
// marking took a sixth of the gateway's CPU. Start raises the collector's
// percentage while the live heap is small, so that the next cycle starts
// at MinHeap rather than sooner, and leaves it at the default once the
// default's target is MinHeap or more: in the steady state the heap
// target is the larger of the default's and MinHeap.
//
// The runtime's target is live + (live + stacks + globals) × GOGC/100, and
// never under 4 MiB × GOGC/100: Percent solves the first for MinHeap and
// keeps within the second. The tuning follows the cycles, a cycle or two
// behind (the sentinel's cleanup runs after the cycle that freed it, on
// its own goroutine): when the live heap jumps, the target set for the
// smaller heap, up to 17 times the new live heap, holds until the cleanup
// runs. So the bound above is the steady state's; a burst of allocation
// in that moment can overshoot it.
//
// An operator's GOGC wins: with GOGC set, Start does nothing. GOMEMLIMIT
// is honoured by the runtime either way.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// DefaultMinHeap is the least heap target the collector is given: the
// heap size its next cycle aims to end at.
const DefaultMinHeap = 64 << 20

// defaultPercent is the runtime's GOGC default, kept once the default's
// target (twice the live heap, plus stacks and globals) is the minimum or
// more.
const defaultPercent = 100

// maxMinHeap keeps Percent's arithmetic far from overflow (and
// SetGCPercent's int32): a larger minimum is not tuned for.
const maxMinHeap = 1 << 40

// runtimeMinHeap is the runtime's own least heap target at GOGC=100; it
// grows with GOGC (heapMinimum in the runtime's pacer).
const runtimeMinHeap = 4 << 20

// Start tunes the collector after every cycle until stop is called, which
// restores the percentage found. It does nothing when GOGC is set, or for
// a minimum over a TiB.
func Start(minHeap uint64) (stop func()) {
	if os.Getenv("GOGC") != "" || minHeap > maxMinHeap {
		return func() {}
	}
	t := &tuner{minHeap: minHeap, sample: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}}
	prev := debug.SetGCPercent(defaultPercent)
	t.arm()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.stopped = true
		debug.SetGCPercent(prev)
	}
}

type tuner struct {
	minHeap uint64
	mu      sync.Mutex // a stop is not undone by a cycle's tuning under way
	stopped bool
	sample  []metrics.Sample
}

// sentinel is allocated for one GC cycle: its cleanup runs once a cycle
// has found it unreachable, and arms the next one. A pointer field keeps
// it out of the tiny allocator, whose blocks are freed together.
type sentinel struct{ _ *int }

func (t *tuner) arm() {
	runtime.AddCleanup(&sentinel{}, func(t *tuner) {
		if t.tune() {
			t.arm()
		}
	}, t)
}

// tune sets the percentage for the live heap the last cycle found; false
// once stopped.
func (t *tuner) tune() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	metrics.Read(t.sample)
	var v [3]uint64
	for i, m := range t.sample {
		if m.Value.Kind() != metrics.KindUint64 {
			return true // not reported by this runtime: leave the percentage
		}
		v[i] = m.Value.Uint64()
	}
	debug.SetGCPercent(Percent(v[0], v[1]+v[2], t.minHeap))
	return true
}

// Percent is the GOGC that makes the runtime start the next cycle at
// minHeap, given the live heap and the roots it scans besides (stacks and
// globals), and at least the default: solved from the runtime's target,
// live + (live + roots) × GOGC/100, and kept low enough that the runtime's
// own minimum (4 MiB × GOGC/100) stays under minHeap.
func Percent(live, roots, minHeap uint64) int {
	if live >= minHeap {
		return defaultPercent
	}
	p := (minHeap - live) * 100 / max(live+roots, 1)
	return int(max(min(p, minHeap*100/runtimeMinHeap), defaultPercent))
}
