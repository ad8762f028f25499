// Package cursor encodes positions in the event store (the events topic)
// as opaque strings clients hand back to resume a subscription.
//
// A cursor is base64url (no padding) of: a version byte, then the number
// of partitions, then per partition (ascending) its id and the offset of
// the last event the subscriber has seen there plus one, all as unsigned
// varints. A stream that spans partitions (notifications, graphEvents)
// carries every partition; a person's events live in one partition (they
// are keyed by subject), so their cursors carry that one.
//
// Cursors are not signed: a position is not a secret and grants nothing.
// A resumed subscription replays through the same filters and
// authorization as live delivery, and replay is bounded, so a forged
// cursor can only ask for events its holder may see anyway, or fail.
package cursor

import (
	"encoding/base64"
	"encoding/binary"
	"slices"

	"github.com/interestgraph/interestgraph/internal/domain"
)

const version = 1

// Limits on what Decode accepts: partitions match KAFKA_PARTITIONS' bound.
const (
	MaxPartitions = 1000
	MaxLen        = 16 * 1024
)

// Position maps a partition to the offset of the last event seen there
// (-1: none yet, read from offset 0).
type Position map[int]int64

// Clone returns a copy of p.
func (p Position) Clone() Position {
	out := make(Position, len(p))
	for k, v := range p {
		out[k] = v
	}
	return out
}

// Encode returns the opaque cursor of p.
func (p Position) Encode() string {
	parts := make([]int, 0, len(p))
	for k := range p {
		parts = append(parts, k)
	}
	slices.Sort(parts)
	buf := make([]byte, 0, 2+len(parts)*8)
	buf = append(buf, version)
	buf = binary.AppendUvarint(buf, uint64(len(parts)))
	for _, k := range parts {
		buf = binary.AppendUvarint(buf, uint64(k))
		buf = binary.AppendUvarint(buf, uint64(p[k]+1))
	}
	return base64.RawURLEncoding.EncodeToString(buf)
}

// Decode parses a cursor; anything but a cursor Encode made is a
// BAD_USER_INPUT error on the field "after".
func Decode(s string) (Position, error) {
	bad := domain.Invalid("after", "malformed cursor")
	if s == "" || len(s) > MaxLen {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 2 || raw[0] != version {
		return nil, bad
	}
	raw = raw[1:]
	n, raw, ok := uvarint(raw)
	if !ok || n == 0 || n > MaxPartitions {
		return nil, bad
	}
	p := make(Position, n)
	for range n {
		var part, off uint64
		if part, raw, ok = uvarint(raw); !ok || part >= MaxPartitions {
			return nil, bad
		}
		if off, raw, ok = uvarint(raw); !ok || off > 1<<62 {
			return nil, bad
		}
		if _, dup := p[int(part)]; dup {
			return nil, bad
		}
		p[int(part)] = int64(off) - 1
	}
	if len(raw) != 0 {
		return nil, bad
	}
	return p, nil
}

func uvarint(b []byte) (uint64, []byte, bool) {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, nil, false
	}
	return v, b[n:], true
}
