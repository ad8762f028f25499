package auth

import (
	"context"
	"testing"
)

// TestZeroArgonParamsAreAnError: a zero cost would make argon2 panic; it
// must be an error the caller (identity.New) can return.
func TestZeroArgonParamsAreAnError(t *testing.T) {
	for _, p := range []Argon2Params{{}, {MemoryKiB: 64, Time: 1}, {MemoryKiB: 64, Threads: 1}, {Time: 1, Threads: 1}} {
		if _, err := p.Hash(context.Background(), "a password"); err == nil {
			t.Errorf("Hash with %+v: no error", p)
		}
	}
	if _, err := (Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}).Hash(context.Background(), "a password"); err != nil {
		t.Fatalf("Hash with a small valid cost: %v", err)
	}
}
