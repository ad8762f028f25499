package hub

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/interestgraph/interestgraph/internal/stream"
)

// TestIdleSubscriptionHoldsNoBuffer: a subscription's buffer is allocated
// as events arrive, not up front (a full one of 256 messages is about
// 60 KiB), so an idle one costs its bookkeeping and one goroutine.
func TestIdleSubscriptionHoldsNoBuffer(t *testing.T) {
	const n = 2_000
	h := New(0, quiet())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	before := inUse()
	for i := range n {
		if _, err := h.Stream(ctx, stream.Person(fmt.Sprint("p", i)), stream.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	per := (inUse() - before) / n
	if per > 8<<10 {
		t.Fatalf("an idle subscription holds %d bytes, want under 8 KiB", per)
	}
	t.Logf("%d bytes per idle subscription", per)
}

// inUse is heap and goroutine stacks in use, after a collection.
func inUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc + m.StackInuse)
}
