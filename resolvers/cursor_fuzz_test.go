package resolvers

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// FuzzDecodeCursor: cursors are client input. Decoding never panics, refuses
// with BAD_USER_INPUT, and what our own encoder wrote decodes to itself.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor("0190e5a4-1c2b-7d3e-8f40-123456789abc"))
	f.Add("")
	f.Add("p:")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, c string) {
		_, err := decodeCursor(&c)
		if err != nil {
			if domain.KindOf(err) != domain.KindInvalid {
				t.Fatalf("cursor %q: error of kind %v, want invalid input", c, domain.KindOf(err))
			}
			return
		}
		if c == "" {
			return // no page ends at an empty id
		}
		mine := encodeCursor(c)
		if back, err := decodeCursor(&mine); err != nil || back != c {
			t.Fatalf("own cursor for %q decoded to %q, %v", c, back, err)
		}
	})
}
