package auth

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

func keyFile(t *testing.T) string {
	t.Helper()
	path, err := testsupport.WriteSigningKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKeyRotation: a new key signs, the old one keeps verifying.
func TestKeyRotation(t *testing.T) {
	oldFile, newFile := keyFile(t), keyFile(t)
	before, err := NewKeys(KeyConfig{PrivateKeyFile: oldFile, Issuer: "iss", Audience: "aud", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	oldToken, _, _ := before.Issue(domain.NewID(), []string{RoleUser})
	after, err := NewKeys(KeyConfig{PrivateKeyFile: newFile, PreviousKeyFiles: []string{oldFile}, Issuer: "iss", Audience: "aud", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := after.Verify(context.Background(), oldToken); err != nil {
		t.Fatalf("token of the previous key refused after rotation: %v", err)
	}
	newToken, _, _ := after.Issue(domain.NewID(), nil)
	if _, err := before.Verify(context.Background(), newToken); err == nil {
		t.Fatal("a key that never knew the new one verified its token")
	}
	var set struct {
		Keys []struct{ Kid, Kty, Crv, X string }
	}
	if err := json.Unmarshal(after.JWKS(), &set); err != nil || len(set.Keys) != 2 || set.Keys[0].Kty != "OKP" || set.Keys[0].Crv != "Ed25519" {
		t.Fatalf("JWKS: %s %v", after.JWKS(), err)
	}
	// Without the previous key configured, the old token is refused.
	dropped, _ := NewKeys(KeyConfig{PrivateKeyFile: newFile, Issuer: "iss", Audience: "aud", TTL: time.Minute})
	if _, err := dropped.Verify(context.Background(), oldToken); err == nil {
		t.Fatal("token of a dropped key accepted")
	}
}

// TestIDTokenIsNotAnAccessToken: OIDC ID tokens identify; they never
// authorize.
func TestIDTokenIsNotAnAccessToken(t *testing.T) {
	k := newKeys(t)
	id, err := k.IssueID(domain.NewID(), "a@example.com", "A")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Verify(context.Background(), id); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("ID token accepted as access token: %v", err)
	}
}
