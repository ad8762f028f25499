package shred

import (
	"container/list"
	"context"
	"sync"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// DefaultCacheSize bounds an Opener's cache: 10,000 keys of 32 bytes.
const DefaultCacheSize = 10_000

// Opener opens events for a long-lived reader (a gateway's event tail and
// its replays) with a bounded, least-recently-used cache of keys, so that
// a busy topic costs no store round trip per event. When an AccountDeleted
// passes through it, it forgets that person's key: the store destroyed it
// in the transaction that produced the event.
type Opener struct {
	keys KeyReader
	max  int

	mu    sync.Mutex
	order *list.List               // front: most recently used
	byID  map[string]*list.Element // person id -> element of order
}

type cached struct {
	personID  string
	key       []byte // nil: none or destroyed
	destroyed bool   // set by an AccountDeleted: final
}

// NewOpener returns an opener that caches at most size keys (default
// DefaultCacheSize).
func NewOpener(keys KeyReader, size int) *Opener {
	if size <= 0 {
		size = DefaultCacheSize
	}
	return &Opener{keys: keys, max: size, order: list.New(), byID: map[string]*list.Element{}}
}

// Open is OpenEvent through the cache.
func (o *Opener) Open(ctx context.Context, ev domain.Event) (domain.Event, error) {
	if ev.Type == domain.EvAccountDeleted {
		var d domain.AccountDeletedData
		if err := ev.DecodeData(&d); err == nil {
			o.put(cached{personID: d.PersonID, destroyed: true})
		}
		return ev, nil
	}
	return OpenEvent(ctx, o, ev)
}

// PersonKey implements KeyReader through the cache.
func (o *Opener) PersonKey(ctx context.Context, personID string) ([]byte, error) {
	o.mu.Lock()
	if e, ok := o.byID[personID]; ok {
		o.order.MoveToFront(e)
		key := e.Value.(cached).key
		o.mu.Unlock()
		return key, nil
	}
	o.mu.Unlock()
	key, err := o.keys.PersonKey(ctx, personID)
	if err != nil {
		return nil, err
	}
	// A deletion that passed while the store answered wins (put keeps it),
	// but this caller may still use what it read: that read came first.
	// No key is not remembered: only an AccountDeleted makes that final.
	if key != nil {
		o.put(cached{personID: personID, key: key})
	}
	return key, nil
}

// Len returns the number of cached keys.
func (o *Opener) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.order.Len()
}

func (o *Opener) put(c cached) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if e, ok := o.byID[c.personID]; ok {
		if !e.Value.(cached).destroyed {
			e.Value = c
		}
		o.order.MoveToFront(e)
		return
	}
	o.byID[c.personID] = o.order.PushFront(c)
	for o.order.Len() > o.max {
		last := o.order.Back()
		o.order.Remove(last)
		delete(o.byID, last.Value.(cached).personID)
	}
}
