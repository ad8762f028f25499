package ratelimit

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestBurstThenRefill(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(3, time.Minute, 100)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused within the burst", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("fourth attempt: ok=%v wait=%v (want refused, ~20s)", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key is limited too")
	}
	now = now.Add(wait)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("not refilled after the hinted wait")
	}
}

// TestTableBoundedWhateverTheKeys: a flood of distinct, oversized keys
// (an attacker's made-up emails) leaves the table at its bound, and the
// memory it holds does not grow with the size of the keys.
func TestTableBoundedWhateverTheKeys(t *testing.T) {
	const bound, keys, keySize = 1_000, 10_000, 4 << 10
	l := New(5, time.Minute, bound)
	big := strings.Repeat("x", keySize)
	before := heapInUse()
	for i := range keys {
		l.Allow(strconv.Itoa(i) + big)
	}
	if n := l.Len(); n > bound {
		t.Fatalf("table holds %d keys, bound is %d", n, bound)
	}
	// Retaining the raw keys would hold keys*keySize = 40 MiB; fixed-size
	// hashes of a bounded table hold well under 1 MiB.
	if grew := heapInUse() - before; grew > 4<<20 {
		t.Fatalf("heap grew by %d bytes for %d keys of %d bytes", grew, keys, keySize)
	}
	runtime.KeepAlive(l)
}

// TestEvictionKeepsRecentKeys: the key in use survives a flood of new ones
// only as long as it is used; a limited key that was just used stays
// limited while it keeps being hit.
func TestEvictionKeepsRecentKeys(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(2, time.Minute, 10)
	l.now = func() time.Time { return now }
	l.Allow("victim")
	l.Allow("victim")
	for i := range 5 {
		l.Allow("other" + strconv.Itoa(i))
	}
	if ok, _ := l.Allow("victim"); ok {
		t.Fatal("a limited key was forgotten while the table had room")
	}
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
