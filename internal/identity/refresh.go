package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

var errBadRefresh = &domain.Error{Kind: domain.KindUnauthenticated, Message: "invalid, expired or revoked refresh token"}

// Refresh rotates a refresh token: the presented one is spent and a new
// session in the same family comes back. Presenting a spent token again
// revokes the family, so a stolen token works at most once, for whoever
// uses it first, and then for no one.
func (s *Service) Refresh(ctx context.Context, token string) (Session, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 100 {
		return Session{}, errBadRefresh
	}
	if err := s.limits.refresh(ctx, token); err != nil {
		return Session{}, err
	}
	rt, err := s.st.UseRefreshToken(ctx, tokenHash(token), s.now())
	if errors.Is(err, store.ErrTokenInvalid) || errors.Is(err, store.ErrTokenReused) {
		return Session{}, errBadRefresh
	}
	if err != nil {
		return Session{}, err
	}
	acc, err := s.st.AccountByPersonID(ctx, rt.PersonID)
	if err != nil {
		return Session{}, err
	}
	return s.session(ctx, acc, rt.FamilyID)
}

// Logout revokes the refresh-token family of token. Access tokens already
// issued stay valid until they expire (minutes).
func (s *Service) Logout(ctx context.Context, token string) error {
	if len(token) > 100 {
		return errBadRefresh
	}
	return s.st.RevokeFamilyOf(ctx, tokenHash(strings.TrimSpace(token)))
}

// newRefreshToken returns an opaque refresh token (256 random bits) and
// the hash under which it is stored; the token itself is never stored.
func newRefreshToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("refresh token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token), nil
}

// tokenHash is the stored form of a refresh or reference token. 256
// random bits need no salt or slow hash: there is nothing to guess.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
