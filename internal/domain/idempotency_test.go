package domain

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestIdempotencyKeyShape(t *testing.T) {
	good := []string{"a", strings.Repeat("k", MaxIdempotencyKeyLen), "retry-7f3:/=+~!"}
	for _, k := range good {
		if err := ValidateIdempotencyKey(k); err != nil {
			t.Errorf("%q refused: %v", k, err)
		}
	}
	bad := []string{"", strings.Repeat("k", MaxIdempotencyKeyLen+1), "with space", "tab\t", "ünï", "nul\x00", "del\x7f"}
	for _, k := range bad {
		err := ValidateIdempotencyKey(k)
		if KindOf(err) != KindInvalid {
			t.Errorf("%q: %v, want an invalid-input error", k, err)
		}
	}
}

func TestKeyedCommandID(t *testing.T) {
	ann, bob := uuid.NewString(), uuid.NewString()
	id := KeyedCommandID(ann, "k1")
	if KeyedCommandID(ann, "k1") != id {
		t.Fatal("the same actor and key give different ids")
	}
	others := []string{KeyedCommandID(ann, "k2"), KeyedCommandID(bob, "k1"), KeyedCommandID(ann, "k1\x00")}
	for _, o := range others {
		if o == id {
			t.Errorf("%s collides with %s", o, id)
		}
	}
	u := uuid.MustParse(id)
	if u.Version() != 8 || u.Variant() != uuid.RFC4122 {
		t.Errorf("%s: version %d variant %v, want 8 and RFC 9562", id, u.Version(), u.Variant())
	}
	if _, err := ParsePersonID("id", id); err != nil {
		t.Errorf("a keyed id must pass the wire's id check: %v", err)
	}
	if !KeyedBy(id, ann) || KeyedBy(id, bob) || KeyedBy(NewID(), ann) || KeyedBy("nonsense", ann) {
		t.Error("KeyedBy must recognise exactly the actor's own keyed ids")
	}
}
