package resolvers

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// FuzzDecodeOrderedCursor: ordered cursors are client input. Decoding
// never panics, refuses with BAD_USER_INPUT, and what our own encoder
// wrote decodes to itself in its own order only.
func FuzzDecodeOrderedCursor(f *testing.F) {
	f.Add("0190e5a4-1c2b-7d3e-8f40-123456789abc", "2026-01-02T03:04:05.123456789Z", "NEWEST")
	f.Add("x", "Ann: the one", "NAME")
	f.Add("", "", "OLDEST")
	f.Fuzz(func(t *testing.T, id, key, order string) {
		o := store.FollowOrder(order)
		c := encodeOrderedCursor(o, id, key)
		after, k, err := decodeOrderedCursor(&c, o)
		if err != nil {
			if domain.KindOf(err) != domain.KindInvalid {
				t.Fatalf("cursor %q: error of kind %v, want invalid input", c, domain.KindOf(err))
			}
			return
		}
		if !o.Valid() && o != "" {
			return // not an order the resolvers pass; decoding it is harmless
		}
		if after != id || k != key {
			t.Fatalf("own cursor (%q, %q) decoded to (%q, %q)", id, key, after, k)
		}
		for _, other := range []store.FollowOrder{store.ByNewest, store.ByOldest, store.ByName} {
			if other != o {
				if _, _, err := decodeOrderedCursor(&c, other); err == nil {
					t.Fatalf("a %s cursor decoded as %s", o, other)
				}
			}
		}
		if _, _, err := decodeOrderedCursor(&key, o); err != nil && domain.KindOf(err) != domain.KindInvalid {
			t.Fatalf("raw %q: %v", key, err)
		}
	})
}
