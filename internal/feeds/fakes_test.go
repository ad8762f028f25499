package feeds

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/hub"
)

// journal records, in order, what the fakes were asked to do.
type journal struct {
	mu      sync.Mutex
	entries []string
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, fmt.Sprintf(format, args...))
}

func (j *journal) all() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.entries...)
}

type fakeWaiter struct{ j *journal }

func (w fakeWaiter) Deliver(out domain.Outcome) { w.j.add("deliver %s %s", out.CommandID, out.Status) }

type fakeObserver struct{ j *journal }

func (o fakeObserver) ObserveBookmarks(_ context.Context, bookmarks []string) {
	o.j.add("observe %v", bookmarks)
}

type published struct {
	ev        domain.Event
	partition int
	offset    int64
	parent    trace.SpanContext
}

type fakeHub struct {
	mu        sync.Mutex
	source    hub.Source
	next      map[int]int64
	published []published
}

func (h *fakeHub) SetSource(src hub.Source, next map[int]int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.source, h.next = src, next
}

func (h *fakeHub) PublishTracedAt(ev domain.Event, partition int, offset int64, parent trace.SpanContext) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.published = append(h.published, published{ev, partition, offset, parent})
}

func (h *fakeHub) all() []published {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]published(nil), h.published...)
}

// fakeKeys is a key store: it makes keys for sealing and reads them back,
// or fails every read with err.
type fakeKeys struct {
	mu   sync.Mutex
	keys map[string][]byte
	err  error
}

func newFakeKeys() *fakeKeys { return &fakeKeys{keys: map[string][]byte{}} }

func (k *fakeKeys) GetOrCreatePersonKey(_ context.Context, id string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys[id] == nil {
		k.keys[id] = make([]byte, 32)
		_, _ = rand.Read(k.keys[id])
	}
	return k.keys[id], nil
}

func (k *fakeKeys) PersonKey(_ context.Context, id string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys[id], k.err
}

type fakeDeletions struct {
	mu     sync.Mutex
	window time.Duration
	noted  []string // subjects of the AccountDeleted events noted
}

func (d *fakeDeletions) Note(events []domain.Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ev := range events {
		if ev.Type == domain.EvAccountDeleted {
			d.noted = append(d.noted, ev.Subject)
		}
	}
}

func (d *fakeDeletions) Window() time.Duration { return d.window }

func (d *fakeDeletions) all() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.noted...)
}
