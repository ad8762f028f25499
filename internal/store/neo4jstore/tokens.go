package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// SaveRefreshToken implements store.RefreshTokens.
func (i *Identity) SaveRefreshToken(ctx context.Context, t store.RefreshToken) error {
	s := i.s
	_, err := neo4j.ExecuteQuery(ctx, s.driver, `MERGE (f:TokenFamily {id: $family}) ON CREATE SET f.revoked = false, f.personId = $person
CREATE (:RefreshToken {hash: $hash, familyId: $family, personId: $person, expiresAt: $exp, uses: 0})`,
		map[string]any{"family": t.FamilyID, "person": t.PersonID, "hash": t.Hash, "exp": t.ExpiresAt.UTC()}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return fmt.Errorf("neo4j: save refresh token: %w", err)
	}
	return nil
}

// UseRefreshToken implements store.RefreshTokens. The increment of uses
// reads and writes the property in one SET, for which Neo4j takes the
// write lock first: concurrent uses are serialized and only the first sees
// uses = 1.
func (i *Identity) UseRefreshToken(ctx context.Context, hash string, now time.Time) (store.RefreshToken, error) {
	s := i.s
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		rec, err := single(ctx, tx, `MATCH (t:RefreshToken {hash: $hash})
SET t.uses = t.uses + 1
WITH t MATCH (f:TokenFamily {id: t.familyId})
RETURN t.uses AS uses, f.revoked AS revoked, t.familyId AS family, t.personId AS person, t.expiresAt AS exp`, map[string]any{"hash": hash})
		if err != nil || rec == nil {
			return nil, err
		}
		f := &fields{src: rec, what: "refresh token"}
		t := store.RefreshToken{Hash: hash, FamilyID: req[string](f, "family"),
			PersonID: req[string](f, "person"), ExpiresAt: req[time.Time](f, "exp")}
		revoked, uses := req[bool](f, "revoked"), req[int64](f, "uses")
		if f.err != nil {
			return nil, f.err
		}
		if revoked || !now.Before(t.ExpiresAt) {
			return nil, store.ErrTokenInvalid
		}
		if uses > 1 {
			if _, err := tx.Run(ctx, "MATCH (f:TokenFamily {id: $family}) SET f.revoked = true", map[string]any{"family": t.FamilyID}); err != nil {
				return nil, err
			}
			return t, store.ErrTokenReused
		}
		return t, nil
	})
	switch {
	case errors.Is(err, store.ErrTokenInvalid):
		return store.RefreshToken{}, err
	case errors.Is(err, store.ErrTokenReused):
		// The transaction function returned an error, so the revocation
		// rolled back: revoke in a transaction of its own.
		if rerr := i.RevokeFamilyOf(ctx, hash); rerr != nil {
			return store.RefreshToken{}, rerr
		}
		return store.RefreshToken{}, store.ErrTokenReused
	case err != nil:
		return store.RefreshToken{}, fmt.Errorf("neo4j: use refresh token: %w", err)
	case res == nil:
		return store.RefreshToken{}, store.ErrTokenInvalid
	}
	t, ok := res.(store.RefreshToken)
	if !ok {
		return store.RefreshToken{}, fmt.Errorf("neo4j: use refresh token: transaction returned %T", res)
	}
	return t, nil
}

// RevokeFamilyOf implements store.RefreshTokens.
func (i *Identity) RevokeFamilyOf(ctx context.Context, hash string) error {
	s := i.s
	_, err := neo4j.ExecuteQuery(ctx, s.driver, `MATCH (t:RefreshToken {hash: $hash}) MATCH (f:TokenFamily {id: t.familyId}) SET f.revoked = true`,
		map[string]any{"hash": hash}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return fmt.Errorf("neo4j: revoke token family: %w", err)
	}
	return nil
}

// AccountByPersonID implements store.Accounts.
func (i *Identity) AccountByPersonID(ctx context.Context, id string) (store.Account, error) {
	s := i.s
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (a:Account {personId: $id}) RETURN a.email AS email", map[string]any{"id": id},
		neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return store.Account{}, fmt.Errorf("neo4j: account: %w", err)
	}
	if len(res.Records) == 0 {
		return store.Account{}, domain.NotFound("no account for this person")
	}
	email, err := get[string](res.Records[0], "email")
	if err != nil {
		return store.Account{}, fmt.Errorf("account of a person: %w", err)
	}
	return i.AccountByEmail(ctx, email)
}

// DeleteAccount implements store.Accounts.
func (i *Identity) DeleteAccount(ctx context.Context, id string) error {
	s := i.s
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (a:Account {personId: $id}) DETACH DELETE a", map[string]any{"id": id},
		neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return fmt.Errorf("neo4j: delete account: %w", err)
	}
	return nil
}

// SaveReference implements store.ReferenceTokens.
func (i *Identity) SaveReference(ctx context.Context, hash, personID, jwt string, exp time.Time) error {
	s := i.s
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "CREATE (:ReferenceToken {hash: $hash, personId: $person, jwt: $jwt, expiresAt: $exp})",
		map[string]any{"hash": hash, "person": personID, "jwt": jwt, "exp": exp.UTC()}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return fmt.Errorf("neo4j: save reference token: %w", err)
	}
	return nil
}

// LookupReference implements store.ReferenceTokens.
func (i *Identity) LookupReference(ctx context.Context, hash string, now time.Time) (string, time.Time, error) {
	s := i.s
	// Read from the writer, after the write: a reference is used right
	// after it is made, and a lagging replica must not refuse it.
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (r:ReferenceToken {hash: $hash}) WHERE r.expiresAt > $now RETURN r.jwt AS jwt, r.expiresAt AS exp",
		map[string]any{"hash": hash, "now": now.UTC()}, neo4j.EagerResultTransformer, s.dbOpt())
	if err != nil {
		return "", time.Time{}, fmt.Errorf("neo4j: look up reference token: %w", err)
	}
	recs := res.Records
	if len(recs) == 0 {
		return "", time.Time{}, store.ErrTokenInvalid
	}
	f := &fields{src: recs[0], what: "reference token"}
	jwt, exp := req[string](f, "jwt"), req[time.Time](f, "exp")
	if f.err != nil {
		return "", time.Time{}, f.err
	}
	return jwt, exp, nil
}
