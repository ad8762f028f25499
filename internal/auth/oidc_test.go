package auth

import (
	"encoding/json"
	"testing"
	"time"
)

// TestDiscoveryComesFromTheIssuer: the discovery document's addresses are
// the configured issuer's; nothing a request carries can change them.
func TestDiscoveryComesFromTheIssuer(t *testing.T) {
	for _, tc := range []struct{ issuer, jwks string }{
		{"https://api.example.com", "https://api.example.com/.well-known/jwks.json"},
		{"https://api.example.com/", "https://api.example.com/.well-known/jwks.json"},
		{"https://example.com/tenant", "https://example.com/tenant/.well-known/jwks.json"},
		{"interestgraph", "/.well-known/jwks.json"},
		{"ftp://example.com", "/.well-known/jwks.json"},
		{"https://example.com/?q=1", "/.well-known/jwks.json"},
	} {
		k, err := NewKeys(KeyConfig{Issuer: tc.issuer, Audience: "aud", TTL: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		if err := json.Unmarshal(k.Discovery(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Issuer != tc.issuer || doc.JWKSURI != tc.jwks {
			t.Errorf("issuer %q: got issuer %q jwks_uri %q, want jwks_uri %q", tc.issuer, doc.Issuer, doc.JWKSURI, tc.jwks)
		}
	}
}
