package memory

import (
	"context"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

type refreshToken struct {
	store.RefreshToken
	used bool
}

// SaveRefreshToken implements store.RefreshTokens.
func (s *Identity) SaveRefreshToken(_ context.Context, t store.RefreshToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[t.Hash] = &refreshToken{RefreshToken: t}
	return nil
}

// UseRefreshToken implements store.RefreshTokens.
func (s *Identity) UseRefreshToken(_ context.Context, hash string, now time.Time) (store.RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[hash]
	if !ok || s.revoked[t.FamilyID] || !now.Before(t.ExpiresAt) {
		return store.RefreshToken{}, store.ErrTokenInvalid
	}
	if t.used {
		s.revoked[t.FamilyID] = true
		return store.RefreshToken{}, store.ErrTokenReused
	}
	t.used = true
	return t.RefreshToken, nil
}

// RevokeFamilyOf implements store.RefreshTokens.
func (s *Identity) RevokeFamilyOf(_ context.Context, hash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[hash]; ok {
		s.revoked[t.FamilyID] = true
	}
	return nil
}

// AccountByPersonID implements store.Accounts.
func (s *Identity) AccountByPersonID(_ context.Context, id string) (store.Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range s.accounts {
		if a.PersonID == id {
			return a, nil
		}
	}
	return store.Account{}, domain.NotFound("no account for this person")
}

// DeleteAccount implements store.Accounts.
func (s *Identity) DeleteAccount(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for email, a := range s.accounts {
		if a.PersonID == id {
			delete(s.accounts, email)
		}
	}
	return nil
}

type reference struct {
	jwt, personID string
	exp           time.Time
}

// SaveReference implements store.ReferenceTokens.
func (s *Identity) SaveReference(_ context.Context, hash, personID, jwt string, exp time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs[hash] = reference{jwt: jwt, personID: personID, exp: exp}
	return nil
}

// LookupReference implements store.ReferenceTokens.
func (s *Identity) LookupReference(_ context.Context, hash string, now time.Time) (string, time.Time, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.refs[hash]
	if !ok || !now.Before(r.exp) {
		return "", time.Time{}, store.ErrTokenInvalid
	}
	return r.jwt, r.exp, nil
}
