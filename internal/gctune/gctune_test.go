package gctune

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercentGivesASmallHeapTheMinimumAndALargeOneTheDefault(t *testing.T) {
	for _, tc := range []struct {
		live, min uint64
		want      int
	}{
		{5 << 20, 64 << 20, 1180}, // the next cycle at 5 MiB + 59 MiB
		{16 << 20, 64 << 20, 300},
		{32 << 20, 64 << 20, 100}, // half the minimum: the default
		{200 << 20, 64 << 20, 100},
		{1, 64 << 20, maxPercent},
		{0, 64 << 20, 100}, // no reading yet
	} {
		if got := Percent(tc.live, tc.min); got != tc.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", tc.live, tc.min, got, tc.want)
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

func TestStartLeavesAnOperatorsGOGCAlone(t *testing.T) {
	t.Setenv("GOGC", "50")
	before := gogc()
	stop := Start(1 << 30)
	defer stop()
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := gogc(); got != before {
		t.Fatalf("GOGC %d with GOGC set, want %d as it was", got, before)
	}
}
