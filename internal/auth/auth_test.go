package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/interestgraph/interestgraph/internal/domain"
)

func newKeys(t *testing.T) *Keys {
	k, err := NewKeys(KeyConfig{Issuer: "iss", Audience: "aud", TTL: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t *testing.T, k *Keys, method jwt.SigningMethod, key any, header map[string]any, c jwt.MapClaims) string {
	tok := jwt.NewWithClaims(method, c)
	for h, v := range header {
		tok.Header[h] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIssueAndVerify(t *testing.T) {
	k := newKeys(t)
	id := domain.NewID()
	tok, exp, err := k.Issue(id, []string{RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.Verify(context.Background(), tok)
	if err != nil || got.PersonID != id || got.IsAdmin() || !got.ExpiresAt.Equal(exp.Truncate(time.Second)) {
		t.Fatalf("verify: %+v %v", got, err)
	}
}

func TestVerifyRefusesBadTokens(t *testing.T) {
	k := newKeys(t)
	id := domain.NewID()
	now := time.Now()
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "iss", "aud": "aud", "sub": id, "exp": now.Add(time.Minute).Unix(), "iat": now.Unix()}
	}
	with := func(f func(jwt.MapClaims)) jwt.MapClaims { c := valid(); f(c); return c }
	hdr := map[string]any{"kid": k.kid, "typ": "at+jwt"}
	pub := k.priv.Public().(ed25519.PublicKey)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	good := sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, valid())
	parts := strings.Split(good, ".")
	edited := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"iss","aud":"aud","sub":"` + domain.NewID() + `","exp":9999999999}`))

	cases := map[string]string{
		"alg none":              sign(t, k, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, hdr, valid()),
		"HS256 with public key": sign(t, k, jwt.SigningMethodHS256, []byte(pub), hdr, valid()),
		"other key":             sign(t, k, jwt.SigningMethodEdDSA, otherKey, hdr, valid()),
		"expired":               sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() })),
		"no exp":                sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { delete(c, "exp") })),
		"nbf in future":         sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() })),
		"wrong iss":             sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { c["iss"] = "evil" })),
		"no iss":                sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { delete(c, "iss") })),
		"wrong aud":             sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { c["aud"] = "other" })),
		"no aud":                sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { delete(c, "aud") })),
		"bad subject":           sign(t, k, jwt.SigningMethodEdDSA, k.priv, hdr, with(func(c jwt.MapClaims) { c["sub"] = "admin" })),
		"unknown kid":           sign(t, k, jwt.SigningMethodEdDSA, k.priv, map[string]any{"kid": "../../etc/passwd", "typ": "at+jwt"}, valid()),
		"not an access token":   sign(t, k, jwt.SigningMethodEdDSA, k.priv, map[string]any{"kid": k.kid, "typ": "JWT"}, valid()),
		"payload edited":        parts[0] + "." + edited + "." + parts[2],
		"signature stripped":    parts[0] + "." + parts[1] + ".",
		"megabyte of dots":      strings.Repeat(".", 1<<20),
		"empty":                 "",
	}
	if _, err := k.Verify(context.Background(), good); err != nil {
		t.Fatalf("control token refused: %v", err)
	}
	for name, tok := range cases {
		if _, err := k.Verify(context.Background(), tok); domain.KindOf(err) != domain.KindUnauthenticated {
			t.Errorf("%s: accepted or wrong error: %v", name, err)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword(context.Background(), "correct horse", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if ok, err := VerifyPassword(context.Background(), "correct horse", h); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := VerifyPassword(context.Background(), "wrong horse", h); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword(context.Background(), "correct horse", DefaultArgon2)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if _, err := VerifyPassword(context.Background(), "x", "$argon2id$garbage"); err == nil {
		t.Fatal("malformed hash accepted")
	}
}
