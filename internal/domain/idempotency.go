package domain

import (
	"crypto/sha256"

	"github.com/google/uuid"
)

// MaxIdempotencyKeyLen bounds an Idempotency-Key: 1–128 visible ASCII
// characters.
const MaxIdempotencyKeyLen = 128

// IdempotencyKeyField names the input a bad key is reported against.
const IdempotencyKeyField = "Idempotency-Key"

// ValidateIdempotencyKey checks a client's Idempotency-Key.
func ValidateIdempotencyKey(key string) error {
	if key == "" || len(key) > MaxIdempotencyKeyLen {
		return Invalid(IdempotencyKeyField, "the key must be 1 to %d characters", MaxIdempotencyKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return Invalid(IdempotencyKeyField, "the key may contain only visible ASCII characters")
		}
	}
	return nil
}

// KeyedCommandID derives the id of the command that actor sends under an
// Idempotency-Key, so that every retry of a mutation is the same command:
// the consumer decides an id once and answers a repeat with the recorded
// outcome.
//
// A retry may come at any later time, so the id cannot carry the time of
// the request as a UUIDv7 does: it is a UUIDv8 (RFC 9562 §5.8), which can
// never equal a UUIDv7 issued for an unkeyed command. Its first 48 bits are
// a fingerprint of the actor and the other 74 free bits a hash of the actor
// and the key; the fingerprint lets a receipt query recognise an id as one
// the caller's own keys produce (KeyedBy) although it carries no time.
func KeyedCommandID(actor, key string) string {
	var u uuid.UUID
	fp := actorFingerprint(actor)
	copy(u[0:6], fp[:6])
	h := sha256.New()
	h.Write([]byte("interestgraph/idempotency-key\x00"))
	h.Write([]byte(actor))
	h.Write([]byte{0})
	h.Write([]byte(key))
	copy(u[6:16], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x80 // version 8
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 9562 variant
	return u.String()
}

// KeyedBy reports whether id has the shape of a command id that actor's
// Idempotency-Keys produce (a UUIDv8 with actor's fingerprint). It cannot
// tell whether such a command was ever sent.
func KeyedBy(id, actor string) bool {
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 8 {
		return false
	}
	fp := actorFingerprint(actor)
	return [6]byte(u[0:6]) == [6]byte(fp[:6])
}

func actorFingerprint(actor string) [sha256.Size]byte {
	return sha256.Sum256([]byte("interestgraph/actor\x00" + actor))
}
