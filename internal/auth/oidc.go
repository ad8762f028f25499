package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// idTokenType marks ID tokens; Verify refuses anything but access tokens.
const idTokenType = "JWT"

type idClaims struct {
	jwt.RegisteredClaims
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
}

// IssueID signs an OIDC ID token for the client: who signed in. It is for
// the client to read, never a credential for this API.
func (k *Keys) IssueID(personID, email, name string) (string, error) {
	now := k.now()
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, idClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: k.issuer, Subject: personID, Audience: jwt.ClaimStrings{k.clientID},
			ExpiresAt: jwt.NewNumericDate(now.Add(k.ttl)), IssuedAt: jwt.NewNumericDate(now), ID: domain.NewID(),
		},
		Email: email, Name: name,
		// Emails are not verified by a mail round trip yet: say so.
		EmailVerified: false,
	})
	t.Header["kid"] = k.kid
	t.Header["typ"] = idTokenType
	s, err := t.SignedString(k.priv)
	if err != nil {
		return "", fmt.Errorf("auth: sign ID token: %w", err)
	}
	return s, nil
}

// JWKS returns the JSON Web Key Set of every key that verifies tokens.
func (k *Keys) JWKS() []byte {
	type jwk struct {
		Kty string `json:"kty"`
		Crv string `json:"crv"`
		X   string `json:"x"`
		Kid string `json:"kid"`
		Use string `json:"use"`
		Alg string `json:"alg"`
	}
	keys := []jwk{}
	for kid, pub := range k.verifiers {
		keys = append(keys, jwk{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub), Kid: kid, Use: "sig", Alg: "EdDSA"})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Kid < keys[j].Kid })
	raw, _ := json.Marshal(map[string]any{"keys": keys})
	return raw
}

// Discovery returns the OpenID Provider metadata. Every address in it comes
// from the configured issuer, never from the request: a Host header is the
// client's to choose, and a discovery document that echoed it would point
// verifiers (and caches in between) at a key set of the attacker's making.
// An issuer that is an http(s) URL (the OIDC way: JWT_ISSUER=https://api.example.com)
// is the base of jwks_uri; any other issuer gets the path alone, relative to
// wherever the document was fetched from.
func (k *Keys) Discovery() []byte {
	raw, _ := json.Marshal(map[string]any{
		"issuer":                                k.issuer,
		"jwks_uri":                              issuerBase(k.issuer) + "/.well-known/jwks.json",
		"id_token_signing_alg_values_supported": []string{"EdDSA"},
		"subject_types_supported":               []string{"public"},
		"response_types_supported":              []string{"id_token"},
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "email", "email_verified", "name"},
	})
	return raw
}

// issuerBase is the issuer without a trailing slash when it is an absolute
// http(s) URL without query or fragment, and "" otherwise.
func issuerBase(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return ""
	}
	return strings.TrimRight(issuer, "/")
}
