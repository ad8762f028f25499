// Package ratelimit is a token bucket per key (an account, a client
// address, a person). It lives in one process: each gateway limits what it
// sees, so a client spread over N gateways gets at most N times the rate —
// the bound still stops guessing at scale, and no shared store is needed.
//
// Keys come from clients, so the table must not grow with what they send:
// a key is kept only as a 64-bit hash under a per-process random seed (its
// size is fixed whatever the input, and an attacker who cannot see the seed
// cannot aim collisions), and the table holds at most maxKeys buckets,
// forgetting the least recently used first.
package ratelimit

import (
	"hash/maphash"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// DefaultMaxKeys bounds a table when the caller has no better figure:
// about 100 bytes a bucket, so some 5 MiB at most.
const DefaultMaxKeys = 50_000

// Limiter allows Burst events at once per key and refills Per/Burst apart.
type Limiter struct {
	mu      sync.Mutex
	burst   float64
	rate    float64 // tokens per second
	seed    maphash.Seed
	buckets *simplelru.LRU[uint64, *bucket]
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New allows burst events per key, refilled to burst over per, and keeps
// at most maxKeys keys (DefaultMaxKeys if maxKeys <= 0).
//
// Eviction gives a forgotten key a full burst again; with the least
// recently used forgotten first, that takes maxKeys other keys between two
// attempts on it, and the address limits in front bound how fast one client
// can make new keys.
func New(burst int, per time.Duration, maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	lru, err := simplelru.NewLRU[uint64, *bucket](maxKeys, nil)
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	return &Limiter{burst: float64(burst), rate: float64(burst) / per.Seconds(), seed: maphash.MakeSeed(),
		buckets: lru, now: time.Now}
}

// Allow takes a token for key. When there is none it returns false and
// how long until there is one.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	h := maphash.String(l.seed, key)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets.Get(h)
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets.Add(h, b)
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// Len is how many keys the table holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buckets.Len()
}
