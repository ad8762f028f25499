package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// RemoteKeys is a JSON Web Key Set fetched from a URL (an identity
// provider's, or our own auth component's). Keys are cached; an unknown
// kid triggers a refetch at most once a minute, so a token with a made-up
// kid cannot make us hammer the provider.
type RemoteKeys struct {
	url    string
	client *http.Client
	mu     sync.Mutex
	keys   map[string]crypto.PublicKey
	last   time.Time
	now    func() time.Time
	// fetches makes concurrent lookups of unknown key ids share one fetch:
	// a burst of tokens with made-up kids is one request to the provider.
	fetches singleflight.Group
}

// ErrKeySetUnavailable: the key set could not be fetched, so a token could
// not be checked at all. It is the verifier's trouble, not the client's:
// callers answer "try again" (503, UNAVAILABLE), never "invalid token",
// which would sign every client out while a key server is down.
var ErrKeySetUnavailable = errors.New("auth: the key set could not be fetched")

// refetchEvery bounds refetches on unknown key ids.
const refetchEvery = time.Minute

// NewRemoteKeys returns a key set that loads url on first use.
func NewRemoteKeys(url string) *RemoteKeys {
	return &RemoteKeys{url: url, client: &http.Client{Timeout: 10 * time.Second}, keys: map[string]crypto.PublicKey{}, now: time.Now}
}

// Key returns the key with kid. An unknown kid refetches the set when
// there are no keys yet or the last successful fetch is over a minute old.
// The fetch runs outside the lock, on its own deadline (a client that
// hangs up cannot cancel it), and only a success counts toward the limit,
// so a provider that was briefly down is asked again at once.
func (r *RemoteKeys) Key(ctx context.Context, kid string) (crypto.PublicKey, error) {
	r.mu.Lock()
	k, ok := r.keys[kid]
	fresh := len(r.keys) > 0 && r.now().Sub(r.last) < refetchEvery
	r.mu.Unlock()
	if ok {
		return k, nil
	}
	if fresh {
		return nil, errors.New("unknown key id")
	}
	_, err, _ := r.fetches.Do("jwks", func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		keys, err := fetchJWKS(fctx, r.client, r.url)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.keys, r.last = keys, r.now()
		r.mu.Unlock()
		return nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeySetUnavailable, err)
	}
	r.mu.Lock()
	k, ok = r.keys[kid]
	r.mu.Unlock()
	if !ok {
		return nil, errors.New("unknown key id")
	}
	return k, nil
}

func fetchJWKS(ctx context.Context, c *http.Client, url string) (map[string]crypto.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS: status %d", resp.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kty, Kid, Crv, X, Y, N, E, Use string
		} `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	b64 := base64.RawURLEncoding
	keys := map[string]crypto.PublicKey{}
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		switch {
		case k.Kty == "OKP" && k.Crv == "Ed25519":
			x, err := b64.DecodeString(k.X)
			if err == nil && len(x) == ed25519.PublicKeySize {
				keys[k.Kid] = ed25519.PublicKey(x)
			}
		case k.Kty == "RSA":
			n, err1 := b64.DecodeString(k.N)
			e, err2 := b64.DecodeString(k.E)
			if err1 == nil && err2 == nil && len(n) >= 256 { // 2048 bits at least
				keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
			}
		case k.Kty == "EC" && k.Crv == "P-256":
			x, err1 := b64.DecodeString(k.X)
			y, err2 := b64.DecodeString(k.Y)
			if err1 == nil && err2 == nil {
				keys[k.Kid] = &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
			}
		}
	}
	return keys, nil
}
