package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// ReferencePrefix marks opaque reference tokens, so the gateway can tell
// them from JWTs without a lookup.
const ReferencePrefix = "igr_"

// reference stores jwt under a fresh opaque reference and returns it.
func (s *Service) reference(ctx context.Context, personID, jwt string, exp time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	ref := ReferencePrefix + base64.RawURLEncoding.EncodeToString(b)
	if err := s.st.SaveReference(ctx, tokenHash(ref), personID, jwt, exp); err != nil {
		return "", err
	}
	return ref, nil
}

// Introspection is the RFC 7662 answer, plus the JWT behind the reference
// (the phantom-token pattern: only the gateway ever sees it).
type Introspection struct {
	Active bool   `json:"active"`
	Sub    string `json:"sub,omitempty"`
	Exp    int64  `json:"exp,omitempty"`
	JWT    string `json:"jwt,omitempty"`
}

// Introspect resolves a reference token. Unknown or expired references are
// inactive, not errors.
func (s *Service) Introspect(ctx context.Context, ref string) (Introspection, error) {
	if !strings.HasPrefix(ref, ReferencePrefix) || len(ref) > 100 {
		return Introspection{}, nil
	}
	jwt, exp, err := s.st.LookupReference(ctx, tokenHash(ref), s.now())
	if errors.Is(err, store.ErrTokenInvalid) {
		return Introspection{}, nil
	}
	if err != nil {
		return Introspection{}, err
	}
	id, err := s.keys.Verify(ctx, jwt)
	if domain.KindOf(err) == domain.KindUnauthenticated {
		return Introspection{}, nil
	}
	if err != nil {
		return Introspection{}, err
	}
	return Introspection{Active: true, Sub: id.PersonID, Exp: exp.Unix(), JWT: jwt}, nil
}
