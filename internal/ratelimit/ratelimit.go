// Package ratelimit is a token bucket per key (an account, a client
// address). It lives in one process: each gateway limits what it sees, so
// a client spread over N gateways gets at most N times the rate — the
// bound still stops guessing at scale, and no shared store is needed.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter allows Burst events at once per key and refills Per/Burst apart.
type Limiter struct {
	mu      sync.Mutex
	burst   float64
	rate    float64 // tokens per second
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New allows burst events per key, refilled to burst over per.
func New(burst int, per time.Duration) *Limiter {
	return &Limiter{burst: float64(burst), rate: float64(burst) / per.Seconds(), buckets: map[string]*bucket{}, now: time.Now}
}

// Allow takes a token for key. When there is none it returns false and
// how long until there is one.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100_000 {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
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

// prune forgets keys whose buckets have refilled: they hold no state.
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
