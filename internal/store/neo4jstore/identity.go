package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Identity is the Neo4j identity store: Account, RefreshToken and
// Reference nodes, on the graph store's driver and database. A person's
// deletion in the graph store removes theirs in the same transaction.
type Identity struct{ s *Store }

var _ store.IdentityStore = (*Identity)(nil)

// Identity returns the identity store on this store's database.
func (s *Store) Identity() *Identity { return &Identity{s: s} }

// CreateAccount implements store.Accounts.
func (i *Identity) CreateAccount(ctx context.Context, a store.Account) error {
	s := i.s
	_, err := neo4j.ExecuteQuery(ctx, s.driver,
		"CREATE (a:Account {personId: $pid, email: $email, name: $name, passwordHash: $hash, roles: $roles, createdAt: $at}) SET a.provider = $provider",
		map[string]any{"pid": a.PersonID, "email": a.Email, "name": a.Name, "hash": a.PasswordHash, "roles": a.Roles, "at": a.CreatedAt.UTC(),
			"provider": nilIfEmpty(a.ProviderKey)},
		neo4j.EagerResultTransformer, s.dbOpt())
	if isConstraintViolation(err) {
		return domain.ErrEmailTaken
	}
	if err != nil {
		return fmt.Errorf("neo4j: create account: %w", err)
	}
	return nil
}

// AccountByEmail implements store.Accounts.
func (i *Identity) AccountByEmail(ctx context.Context, email string) (store.Account, error) {
	return i.account(ctx, "MATCH (a:Account {email: $key})", email, "no account for this email")
}

// AccountByProvider implements store.Accounts.
func (i *Identity) AccountByProvider(ctx context.Context, key string) (store.Account, error) {
	return i.account(ctx, "MATCH (a:Account {provider: $key})", key, "no account for this identity")
}

// account reads the one account that match (a fixed clause naming $key)
// finds.
func (i *Identity) account(ctx context.Context, match, key, missing string) (store.Account, error) {
	s := i.s
	res, err := neo4j.ExecuteQuery(ctx, s.driver,
		match+" RETURN a.personId AS pid, a.email AS email, a.name AS name, a.passwordHash AS hash, a.roles AS roles, a.createdAt AS at, a.provider AS provider",
		map[string]any{"key": key}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return store.Account{}, fmt.Errorf("neo4j: account: %w", err)
	}
	if len(res.Records) == 0 {
		return store.Account{}, domain.NotFound("%s", missing)
	}
	return toAccount(res.Records[0])
}
