package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters. The default follows the
// OWASP recommendation (19 MiB, 2 passes, 1 lane).
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 is the production cost.
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// Hash is HashPassword at cost p: with Verify, the password hasher the
// identity component is given.
func (p Argon2Params) Hash(ctx context.Context, pw string) (string, error) {
	if p.MemoryKiB == 0 || p.Time == 0 || p.Threads == 0 {
		// argon2 panics on a zero cost; a zero value is a wiring mistake.
		return "", fmt.Errorf("argon2id: memory, time and threads must each be at least 1 (got %+v)", p)
	}
	return HashPassword(ctx, pw, p)
}

// Verify is VerifyPassword: the cost is the one recorded in the hash.
func (Argon2Params) Verify(ctx context.Context, pw, hash string) (bool, error) {
	return VerifyPassword(ctx, pw, hash)
}

// HashPassword returns a PHC-format argon2id hash with a random salt. When
// too many hashes are under way it answers RATE_LIMITED (see hashGate).
func HashPassword(ctx context.Context, pw string, p Argon2Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	var key []byte
	if err := hashing(ctx, func() { key = argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, 32) }); err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// VerifyPassword reports whether pw matches the PHC hash, in constant time
// with respect to the key. When too many hashes are under way it answers
// RATE_LIMITED (see hashGate).
func VerifyPassword(ctx context.Context, pw, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	var got []byte
	if err := hashing(ctx, func() { got = argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
