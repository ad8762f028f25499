package gctune

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercentGivesASmallHeapTheMinimumAndALargeOneTheDefault(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live, roots, min uint64
		want             int
	}{
		{5 * mib, 0, 64 * mib, 1180},       // 5 + 5 × 11.8 = 64
		{5 * mib, 1 * mib, 64 * mib, 983},  // the roots count in the target too
		{16 * mib, 0, 64 * mib, 300},       // 16 + 16 × 3 = 64
		{32 * mib, 1 * mib, 64 * mib, 100}, // the default's target is above the minimum
		{200 * mib, 0, 64 * mib, 100},
		{1 * mib, 0, 64 * mib, 1600}, // 4 MiB × 16 = 64: no more
		{0, 0, 64 * mib, 1600},       // nothing live yet
	} {
		got := Percent(tc.live, tc.roots, tc.min)
		if got != tc.want {
			t.Errorf("Percent(%d, %d, %d) = %d, want %d", tc.live, tc.roots, tc.min, got, tc.want)
		}
		// Whatever the percentage, the runtime's target is at most the
		// larger of the default's and the minimum.
		target := max(tc.live+(tc.live+tc.roots)*uint64(got)/100, runtimeMinHeap*uint64(got)/100)
		dflt := max(tc.live+(tc.live+tc.roots), runtimeMinHeap)
		if target > max(dflt, tc.min)+mib/100 {
			t.Errorf("Percent(%d, %d, %d) = %d: target %d over max(%d, %d)", tc.live, tc.roots, tc.min, got, target, dflt, tc.min)
		}
	}
}

// gogc reads the collector's percentage as the runtime reports it.
func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

func TestStartRaisesThePercentAfterACycleAndStopRestoresIt(t *testing.T) {
	t.Setenv("GOGC", "")
	before := gogc()
	stop := Start(1 << 30)
	deadline := time.Now().Add(10 * time.Second)
	for gogc() <= defaultPercent && time.Now().Before(deadline) {
		runtime.GC() // the cleanup runs after the cycle, on its own goroutine
		time.Sleep(10 * time.Millisecond)
	}
	if got := gogc(); got <= defaultPercent {
		stop()
		t.Fatalf("GOGC %d after cycles with a live heap far below 1 GiB, want more than %d", got, defaultPercent)
	}
	stop()
	if got := gogc(); got != before {
		t.Fatalf("GOGC %d after stop, want %d as before", got, before)
	}
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	if got := gogc(); got != before {
		t.Fatalf("GOGC %d after a cycle past stop, want %d", got, before)
	}
}

// TestStartLeavesTheCollectorAlone: with an operator's GOGC, or a
// minimum Percent cannot compute with, cycles leave GOGC as it was.
func TestStartLeavesTheCollectorAlone(t *testing.T) {
	for _, tc := range []struct {
		name, gogc string
		minHeap    uint64
	}{
		{"GOGC set", "50", 1 << 30},
		{"a minimum over maxMinHeap", "", maxMinHeap + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			before := gogc()
			stop := Start(tc.minHeap)
			defer stop()
			for range 3 {
				runtime.GC()
				time.Sleep(10 * time.Millisecond)
			}
			if got := gogc(); got != before {
				t.Fatalf("GOGC %d, want %d as it was", got, before)
			}
		})
	}
}
