// Package auth issues and verifies access tokens and hashes passwords.
//
// Access tokens are JWTs signed with Ed25519 (alg EdDSA), typ "at+jwt"
// (RFC 9068), with iss, aud, sub, exp, iat, jti and roles. Verification
// pins the algorithm and requires iss, aud and exp, with 30 s of leeway.
package auth

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// Roles, as the caller package names them.
const (
	RoleUser  = caller.RoleUser
	RoleAdmin = caller.RoleAdmin
)

const (
	accessTokenType = "at+jwt"
	leeway          = caller.Leeway
	// MaxTokenLen bounds what is parsed at all: a header of a megabyte of
	// dots is refused before it reaches the JWT parser.
	MaxTokenLen = 4096
)

// Identity is the verified caller: what Verify returns, in the
// application's terms.
type Identity = caller.Identity

type claims struct {
	jwt.RegisteredClaims
	Roles []string `json:"roles"`
}

// Keys signs tokens with the current key and verifies them with the current
// and the previous keys, so that a rotated-out key keeps verifying the
// tokens it signed until they expire.
type Keys struct {
	priv      ed25519.PrivateKey
	kid       string
	verifiers map[string]ed25519.PublicKey // by kid
	issuer    string
	audience  string
	clientID  string
	ttl       time.Duration
	now       func() time.Time
}

// KeyConfig configures Keys.
type KeyConfig struct {
	PrivateKeyFile   string   // PKCS#8 PEM Ed25519 key; "" generates one per run
	PreviousKeyFiles []string // rotated-out keys: verify only
	Issuer           string
	Audience         string // of access tokens: this API
	ClientID         string // of ID tokens: the client (OIDC aud)
	TTL              time.Duration
	Now              func() time.Time // nil: time.Now; tests issue tokens in the past with it
}

// NewKeys loads or generates the signing key and loads the previous ones.
func NewKeys(cfg KeyConfig) (*Keys, error) {
	if cfg.Issuer == "" || cfg.Audience == "" || cfg.TTL <= 0 {
		return nil, errors.New("auth: issuer, audience and a positive TTL are required")
	}
	if cfg.ClientID == "" {
		cfg.ClientID = cfg.Audience + "-client"
	}
	var priv ed25519.PrivateKey
	var err error
	if cfg.PrivateKeyFile != "" {
		if priv, err = loadKey(cfg.PrivateKeyFile); err != nil {
			return nil, err
		}
	} else if _, priv, err = ed25519.GenerateKey(rand.Reader); err != nil {
		return nil, fmt.Errorf("auth: generate key: %w", err)
	}
	k := &Keys{priv: priv, kid: keyID(priv.Public().(ed25519.PublicKey)), verifiers: map[string]ed25519.PublicKey{},
		issuer: cfg.Issuer, audience: cfg.Audience, clientID: cfg.ClientID, ttl: cfg.TTL, now: cfg.Now}
	if k.now == nil {
		k.now = time.Now
	}
	k.verifiers[k.kid] = priv.Public().(ed25519.PublicKey)
	for _, f := range cfg.PreviousKeyFiles {
		old, err := loadKey(f)
		if err != nil {
			return nil, err
		}
		pub := old.Public().(ed25519.PublicKey)
		k.verifiers[keyID(pub)] = pub
	}
	return k, nil
}

func loadKey(file string) (ed25519.PrivateKey, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("auth: read key: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("auth: %s holds no PEM block", file)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("auth: parse key %s: %w", file, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("auth: %s: the key must be Ed25519", file)
	}
	return priv, nil
}

// keyID is the key's thumbprint: stable, and never a path or a name that a
// token could steer.
func keyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// Issue signs an access token for person with roles.
func (k *Keys) Issue(personID string, roles []string) (string, time.Time, error) {
	now := k.now()
	exp := now.Add(k.ttl)
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: k.issuer, Subject: personID, Audience: jwt.ClaimStrings{k.audience},
			ExpiresAt: jwt.NewNumericDate(exp), IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ID: domain.NewID(),
		},
		Roles: roles,
	})
	t.Header["kid"] = k.kid
	t.Header["typ"] = accessTokenType
	s, err := t.SignedString(k.priv)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign: %w", err)
	}
	return s, exp, nil
}

// Verify checks an access token and returns who it names. Every failure
// is domain.ErrUnauthenticated-kind, with no detail that would help forge.
func (k *Keys) Verify(ctx context.Context, token string) (Identity, error) {
	return verifyAccess(ctx, token, func(_ context.Context, kid string) (crypto.PublicKey, error) {
		pub, ok := k.verifiers[kid]
		if !ok {
			return nil, errors.New("unknown key id")
		}
		return pub, nil
	}, k.issuer, k.audience, k.now)
}

// RemoteVerifier verifies access tokens against a remote JWKS: a gateway
// whose auth component runs as its own process.
type RemoteVerifier struct {
	keys             *RemoteKeys
	issuer, audience string
}

// NewRemoteVerifier verifies tokens of issuer for audience with the keys at
// jwksURL.
func NewRemoteVerifier(jwksURL, issuer, audience string) *RemoteVerifier {
	return &RemoteVerifier{keys: NewRemoteKeys(jwksURL), issuer: issuer, audience: audience}
}

// Verify implements the gateway's Verifier.
func (r *RemoteVerifier) Verify(ctx context.Context, token string) (Identity, error) {
	return verifyAccess(ctx, token, r.keys.Key, r.issuer, r.audience, time.Now)
}

func verifyAccess(ctx context.Context, token string, key func(context.Context, string) (crypto.PublicKey, error), issuer, audience string, now func() time.Time) (Identity, error) {
	if token == "" || len(token) > MaxTokenLen {
		return Identity{}, unauthenticated("malformed token")
	}
	var c claims
	parsed, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); typ != accessTokenType {
			return nil, errors.New("not an access token")
		}
		kid, _ := t.Header["kid"].(string)
		return key(ctx, kid)
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(now),
	)
	if errors.Is(err, ErrKeySetUnavailable) {
		return Identity{}, domain.Unavailable("", err)
	}
	if errors.Is(err, jwt.ErrTokenExpired) {
		// jwt v5 checks the signature before the claims: only a token we
		// signed is ever called expired, so "refresh" is the right advice.
		return Identity{}, ErrTokenExpired
	}
	if err != nil || !parsed.Valid {
		return Identity{}, unauthenticated("invalid token")
	}
	if _, err := domain.ParsePersonID("sub", c.Subject); err != nil {
		return Identity{}, unauthenticated("invalid token subject")
	}
	return Identity{PersonID: c.Subject, Roles: c.Roles, ExpiresAt: c.ExpiresAt.Time}, nil
}

func unauthenticated(msg string) error {
	return &domain.Error{Kind: domain.KindUnauthenticated, Message: msg}
}

// ErrTokenExpired is the refusal of a genuine token past its exp (the
// application's caller.ErrTokenExpired): the client should refresh, not
// sign in again. Compare with errors.Is.
var ErrTokenExpired = caller.ErrTokenExpired
