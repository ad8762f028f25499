package cursor

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/domain"
)

func TestRoundTrip(t *testing.T) {
	for _, p := range []Position{{0: -1}, {0: 0, 1: 17, 5: 1 << 40}, {3: 99}} {
		s := p.Encode()
		if strings.ContainsAny(s, "+/=") {
			t.Fatalf("%q is not base64url without padding", s)
		}
		got, err := Decode(s)
		if err != nil {
			t.Fatalf("decode %q: %v", s, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("round trip: got %v, want %v", got, p)
		}
	}
}

func TestMalformedIsBadInput(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	bad := []string{
		"", "not base64!", b64([]byte{}), b64([]byte{9, 1, 0, 1}), // unknown version
		b64([]byte{version, 2, 0, 1}),                                       // fewer entries than announced
		b64([]byte{version, 1, 0, 1, 7}),                                    // trailing bytes
		b64([]byte{version, 2, 0, 1, 0, 2}),                                 // partition twice
		b64([]byte{version, 0}),                                             // no partition
		b64(append([]byte{version, 0xff, 0xff, 0x03}, make([]byte, 10)...)), // too many partitions
		strings.Repeat("A", MaxLen+1),
	}
	for _, s := range bad {
		_, err := Decode(s)
		if domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("Decode(%q) = %v, want a BAD_USER_INPUT error", s, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Position{0: 3, 2: 9}.Encode())
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Decode(s)
		if err != nil {
			return
		}
		again, err := Decode(p.Encode())
		if err != nil || !reflect.DeepEqual(again, p) {
			t.Fatalf("%q decodes to %v, which does not round-trip: %v", s, p, err)
		}
	})
}
