package main

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/identity"
)

// identityProviders reads OIDC_PROVIDERS into the identity component's
// providers, by name.
func identityProviders(specs []string) (map[string]identity.Provider, error) {
	parsed, err := auth.ParseProviders(specs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]identity.Provider, len(parsed))
	for name, p := range parsed {
		out[name] = provider{p}
	}
	return out, nil
}

// provider is an auth.Provider as the identity component sees one.
type provider struct{ p *auth.Provider }

func (p provider) Issuer() string { return p.p.Issuer }

func (p provider) VerifyIDToken(ctx context.Context, idToken string) (identity.ExternalIdentity, error) {
	ext, err := p.p.VerifyIDToken(ctx, idToken)
	if err != nil {
		return identity.ExternalIdentity{}, err
	}
	return identity.ExternalIdentity{Subject: ext.Subject, Email: ext.Email, Name: ext.Name, EmailVerified: ext.EmailVerified}, nil
}
