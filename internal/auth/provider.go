package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Provider is an external OpenID Connect identity provider whose ID tokens
// we accept for sign-in (Google, say).
type Provider struct {
	Name     string
	Issuer   string
	ClientID string // our client id at the provider: the aud of its ID tokens
	keys     *RemoteKeys
}

// NewProvider configures a provider; its JWKS is fetched on first use.
func NewProvider(name, issuer, jwksURL, clientID string) (*Provider, error) {
	if name == "" || issuer == "" || jwksURL == "" || clientID == "" {
		return nil, errors.New("auth: a provider needs a name, an issuer, a JWKS URL and our client id")
	}
	return &Provider{Name: name, Issuer: issuer, ClientID: clientID, keys: NewRemoteKeys(jwksURL)}, nil
}

// ParseProviders reads "name|issuer|jwks-url|client-id" entries separated by
// commas (OIDC_PROVIDERS).
func ParseProviders(specs []string) (map[string]*Provider, error) {
	out := map[string]*Provider{}
	for _, spec := range specs {
		f := strings.Split(spec, "|")
		if len(f) != 4 {
			return nil, fmt.Errorf("auth: provider %q: want name|issuer|jwks-url|client-id", spec)
		}
		p, err := NewProvider(f[0], f[1], f[2], f[3])
		if err != nil {
			return nil, err
		}
		out[p.Name] = p
	}
	return out, nil
}

// ExternalIdentity is who a provider says signed in.
type ExternalIdentity struct {
	Provider, Subject, Email, Name string
	EmailVerified                  bool
}

type externalClaims struct {
	jwt.RegisteredClaims
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"` // some providers send "true"
	Name          string `json:"name"`
}

// externalAlgs are the signature algorithms accepted from providers: the
// asymmetric ones in use (Google signs RS256). Never HS* or none.
var externalAlgs = []string{"RS256", "ES256", "EdDSA"}

// VerifyIDToken checks a provider's ID token: signature against the
// provider's JWKS, issuer, audience = our client id, expiry.
func (p *Provider) VerifyIDToken(ctx context.Context, token string) (ExternalIdentity, error) {
	if token == "" || len(token) > 8192 {
		return ExternalIdentity{}, unauthenticated("malformed ID token")
	}
	var c externalClaims
	parsed, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return p.keys.Key(ctx, kid)
	},
		jwt.WithValidMethods(externalAlgs),
		jwt.WithIssuer(p.Issuer),
		jwt.WithAudience(p.ClientID),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(time.Now),
	)
	if errors.Is(err, ErrKeySetUnavailable) {
		return ExternalIdentity{}, domain.Unavailable("", err)
	}
	if err != nil || !parsed.Valid || c.Subject == "" {
		return ExternalIdentity{}, unauthenticated("invalid ID token from " + p.Name)
	}
	verified := c.EmailVerified == true || c.EmailVerified == "true"
	return ExternalIdentity{Provider: p.Name, Subject: c.Subject, Email: c.Email, Name: c.Name, EmailVerified: verified}, nil
}
