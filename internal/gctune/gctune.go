// Package gctune gives the Go collector a minimum heap target.
//
// With the runtime's default (GOGC=100) the collector runs whenever the
// heap has grown by as much as is live. A gateway's live heap is small,
// a few megabytes, while every request allocates tens of kilobytes: at a
// thousand nested reads a second the collector ran 37 times a second, and
// marking took a sixth of the gateway's CPU. Start raises the collector's
// percentage while the live heap is small, so that the next cycle starts
// at MinHeap at the earliest, and leaves it at the default once the live
// heap is half of MinHeap or more: memory is bounded by
// max(2 × live, MinHeap), never more than the default plus MinHeap.
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

// DefaultMinHeap is the heap target below which the collector does not
// start a cycle.
const DefaultMinHeap = 64 << 20

// defaultPercent is the runtime's GOGC default, kept once the live heap
// is half of the minimum or more.
const defaultPercent = 100

// maxPercent bounds the percentage for a near-empty live heap.
const maxPercent = 10000

// Start tunes the collector after every cycle until stop is called, which
// restores the percentage found. It does nothing when GOGC is set.
func Start(minHeap uint64) (stop func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	t := &tuner{minHeap: minHeap, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
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
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		debug.SetGCPercent(Percent(t.sample[0].Value.Uint64(), t.minHeap))
	}
	return true
}

// Percent is the GOGC that makes a live heap of live bytes start its next
// cycle at minHeap, and at least the default.
func Percent(live, minHeap uint64) int {
	if live == 0 || live >= minHeap/2 {
		return defaultPercent
	}
	return int(min((minHeap-live)*100/live, maxPercent))
}
