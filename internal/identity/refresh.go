package identity

import (
	"context"
	"errors"
	"strings"

	"github.com/interestgraph/interestgraph/internal/auth"
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
	rt, err := s.st.UseRefreshToken(ctx, auth.HashRefreshToken(token), s.now())
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
	return s.st.RevokeFamilyOf(ctx, auth.HashRefreshToken(strings.TrimSpace(token)))
}
