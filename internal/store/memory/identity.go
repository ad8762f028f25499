package memory

import (
	"context"
	"sync"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Identity is the in-memory identity store: accounts, refresh-token
// families and reference tokens, under a mutex of its own.
type Identity struct {
	mu       sync.RWMutex
	accounts map[string]store.Account // by email
	tokens   map[string]*refreshToken // by hash
	revoked  map[string]bool          // token families
	refs     map[string]reference     // reference tokens by hash
}

var _ store.IdentityStore = (*Identity)(nil)

// NewIdentity returns an empty identity store.
func NewIdentity() *Identity {
	return &Identity{accounts: map[string]store.Account{}, tokens: map[string]*refreshToken{},
		revoked: map[string]bool{}, refs: map[string]reference{}}
}

// forget removes a deleted person's account (with its provider link) and
// reference tokens, and revokes their refresh-token families.
func (s *Identity) forget(personID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for email, a := range s.accounts {
		if a.PersonID == personID {
			delete(s.accounts, email)
		}
	}
	for hash, r := range s.refs {
		if r.personID == personID {
			delete(s.refs, hash)
		}
	}
	for hash, t := range s.tokens {
		if t.PersonID == personID {
			s.revoked[t.FamilyID] = true
			delete(s.tokens, hash)
		}
	}
}

// CreateAccount implements store.Accounts.
func (s *Identity) CreateAccount(_ context.Context, a store.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[a.Email]; ok {
		return domain.ErrEmailTaken
	}
	if a.ProviderKey != "" {
		for _, other := range s.accounts {
			if other.ProviderKey == a.ProviderKey {
				return domain.ErrEmailTaken
			}
		}
	}
	s.accounts[a.Email] = a
	return nil
}

// AccountByProvider implements store.Accounts. Provider sign-ins are rare
// next to everything else, so a scan is fine for the embedded store.
func (s *Identity) AccountByProvider(_ context.Context, key string) (store.Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range s.accounts {
		if key != "" && a.ProviderKey == key {
			return a, nil
		}
	}
	return store.Account{}, domain.NotFound("no account for this identity")
}

// AccountByEmail implements store.Accounts.
func (s *Identity) AccountByEmail(_ context.Context, email string) (store.Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[email]
	if !ok {
		return store.Account{}, domain.NotFound("no account for this email")
	}
	return a, nil
}
