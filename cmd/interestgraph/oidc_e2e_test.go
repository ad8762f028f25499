package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// fakeProvider is an OpenID provider on loopback: its own RSA key and
// JWKS, which is all a real provider such as Google shows on the wire.
type fakeProvider struct {
	key    *rsa.PrivateKey
	srv    *httptest.Server
	issuer string
}

func newFakeProvider(t *testing.T) *fakeProvider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeProvider{key: key}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		b64 := base64.RawURLEncoding
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": b64.EncodeToString(key.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	t.Cleanup(p.srv.Close)
	p.issuer = "https://accounts.example.test"
	return p
}

func (p *fakeProvider) token(t *testing.T, claims jwt.MapClaims, method jwt.SigningMethod, kid string) string {
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = kid
	var key any = p.key
	if method == jwt.SigningMethodNone {
		key = jwt.UnsafeAllowNoneSignatureType
	}
	if method == jwt.SigningMethodHS256 {
		key = p.key.PublicKey.N.Bytes()
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoginWithExternalProvider(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		p := newFakeProvider(t)
		cfg := testConfig(t, st)
		cfg.OIDCProviders = []string{"example|" + p.issuer + "|" + p.srv.URL + "|our-client"}
		rs := startService(t, cfg, roles{gateway: true, consumer: true})
		eveSub := "ext-" + testsupport.Unique()
		claims := func(email string, mutate func(jwt.MapClaims)) jwt.MapClaims {
			c := jwt.MapClaims{"iss": p.issuer, "aud": "our-client", "sub": eveSub, "email": email,
				"email_verified": true, "name": "Eve External", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
			if mutate != nil {
				mutate(c)
			}
			return c
		}
		login := func(provider, tok string) gqlResponse {
			return rs.do(t, "", `mutation($p: String!, $t: String!) { loginWithIdToken(provider: $p, idToken: $t) { accessToken person { id name email } } }`,
				map[string]any{"p": provider, "t": tok})
		}
		type result struct {
			LoginWithIDToken struct {
				AccessToken string
				Person      struct{ ID, Name, Email string }
			} `json:"loginWithIdToken"`
		}
		// A new person.
		eve := "eve-" + testsupport.Unique() + "@example.com"
		r := login("example", p.token(t, claims(eve, nil), jwt.SigningMethodRS256, "k1"))
		var got result
		if len(r.Errors) > 0 || jsonInto(r.Data, &got) != nil || got.LoginWithIDToken.Person.Email != eve || got.LoginWithIDToken.Person.Name != "Eve External" {
			t.Fatalf("new person via provider: %s %+v", r.Data, r.Errors)
		}
		var me struct{ Me struct{ ID string } }
		rs.must(t, got.LoginWithIDToken.AccessToken, `{ me { id } }`, nil, &me)
		if me.Me.ID != got.LoginWithIDToken.Person.ID {
			t.Fatalf("me after provider sign-in: %+v", me)
		}
		// No password works for an account the provider made.
		if r := rs.do(t, "", `mutation($e: String!) { login(email: $e, password: "anything1") { accessToken } }`, map[string]any{"e": eve}); r.code() != "UNAUTHENTICATED" {
			t.Fatalf("password login of a provider account: %+v", r.Errors)
		}
		// The next sign-in of the same identity (issuer, subject) is the same
		// person, even when the provider now reports another email.
		first := got.LoginWithIDToken.Person.ID
		r = login("example", p.token(t, claims("eve-new-"+testsupport.Unique()+"@example.com", nil), jwt.SigningMethodRS256, "k1"))
		if len(r.Errors) > 0 || jsonInto(r.Data, &got) != nil || got.LoginWithIDToken.Person.ID != first {
			t.Fatalf("second provider sign-in: %s %+v", r.Data, r.Errors)
		}
		// Another identity asserting Eve's verified email (another subject,
		// or another provider) does not get her account.
		other := p.token(t, claims(eve, func(c jwt.MapClaims) { c["sub"] = "ext-" + testsupport.Unique() }), jwt.SigningMethodRS256, "k1")
		if r := login("example", other); r.code() != "ALREADY_EXISTS" {
			t.Fatalf("another subject with the same email: %s %+v", r.Data, r.Errors)
		}
		// A password account is never linked: registering proved nothing
		// about the email, so linking would hand it to the provider's user.
		ann := rs.register(t, "Ann")
		annTok := p.token(t, claims(ann.Email, func(c jwt.MapClaims) { c["sub"] = "ext-" + testsupport.Unique() }), jwt.SigningMethodRS256, "k1")
		if r := login("example", annTok); r.code() != "ALREADY_EXISTS" {
			t.Fatalf("provider sign-in onto a password account: %s %+v", r.Data, r.Errors)
		}
		bad := map[string]string{
			"wrong audience":            p.token(t, claims(eve, func(c jwt.MapClaims) { c["aud"] = "someone-else" }), jwt.SigningMethodRS256, "k1"),
			"wrong issuer":              p.token(t, claims(eve, func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), jwt.SigningMethodRS256, "k1"),
			"expired":                   p.token(t, claims(eve, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), jwt.SigningMethodRS256, "k1"),
			"unverified email":          p.token(t, claims(ann.Email, func(c jwt.MapClaims) { c["email_verified"] = false; c["sub"] = "ext-" + testsupport.Unique() }), jwt.SigningMethodRS256, "k1"),
			"unknown kid":               p.token(t, claims(eve, nil), jwt.SigningMethodRS256, "k2"),
			"alg none":                  p.token(t, claims(eve, nil), jwt.SigningMethodNone, "k1"),
			"HS256 with the public key": p.token(t, claims(eve, nil), jwt.SigningMethodHS256, "k1"),
		}
		for name, tok := range bad {
			if r := login("example", tok); r.code() != "UNAUTHENTICATED" {
				t.Errorf("%s: %+v", name, r.Errors)
			}
		}
		if r := login("nosuch", p.token(t, claims(eve, nil), jwt.SigningMethodRS256, "k1")); r.code() != "BAD_USER_INPUT" {
			t.Errorf("unknown provider: %+v", r.Errors)
		}
	})
}

// withProvider adds a loopback provider named "example" to cfg.
func withProvider(t *testing.T, cfg config.Config) (config.Config, *fakeProvider) {
	p := newFakeProvider(t)
	cfg.OIDCProviders = append(cfg.OIDCProviders, "example|"+p.issuer+"|"+p.srv.URL+"|our-client")
	return cfg, p
}

// signIn signs email in through the provider and returns the access token.
func (p *fakeProvider) signIn(t *testing.T, rs *running, email string) string {
	t.Helper()
	tok := p.token(t, jwt.MapClaims{"iss": p.issuer, "aud": "our-client", "sub": "ext-" + testsupport.Unique(), "email": email,
		"email_verified": true, "name": "Provider User", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}, jwt.SigningMethodRS256, "k1")
	var out struct {
		LoginWithIDToken struct{ AccessToken string } `json:"loginWithIdToken"`
	}
	rs.must(t, "", `mutation($t: String!) { loginWithIdToken(provider: "example", idToken: $t) { accessToken } }`, map[string]any{"t": tok}, &out)
	return out.LoginWithIDToken.AccessToken
}
