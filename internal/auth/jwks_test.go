package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// TestRemoteKeysRecoverFromAFailedFetch: a provider that is down for one
// request is asked again at once, not locked out for a minute; unknown kids
// do not refetch while the set is fresh.
func TestRemoteKeysRecoverFromAFailedFetch(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": base64.RawURLEncoding.EncodeToString(pub)}}})
	}))
	defer srv.Close()
	keys := NewRemoteKeys(srv.URL)
	if _, err := keys.Key(context.Background(), "k1"); err == nil {
		t.Fatal("a failed fetch returned a key")
	}
	got, err := keys.Key(context.Background(), "k1")
	if err != nil || !pub.Equal(got) {
		t.Fatalf("after the provider recovered: %v %v", got, err)
	}
	for range 5 {
		if _, err := keys.Key(context.Background(), "made-up"); err == nil {
			t.Fatal("unknown kid accepted")
		}
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2 (unknown kids must not refetch a fresh set)", n)
	}
}

// TestConcurrentUnknownKidsShareOneFetch: a burst of tokens naming key ids
// the set lacks costs the provider one request, not one per token.
func TestConcurrentUnknownKidsShareOneFetch(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	var calls atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		<-release // hold the first fetch until every lookup is waiting
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": base64.RawURLEncoding.EncodeToString(pub)}}})
	}))
	defer srv.Close()
	keys := NewRemoteKeys(srv.URL)
	const n = 50
	var started, wrong sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		started.Add(1)
		wrong.Add(1)
		go func() {
			defer wrong.Done()
			started.Done()
			kid := "k1"
			if i%2 == 1 {
				kid = "made-up"
			}
			_, err := keys.Key(context.Background(), kid)
			if (err == nil) != (kid == "k1") {
				errs <- fmt.Errorf("kid %s: err %v", kid, err)
			}
		}()
	}
	started.Wait()
	// Wait until the first fetch reached the server, then let it answer.
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wrong.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := calls.Load(); got != 1 {
		t.Fatalf("%d fetches for %d concurrent lookups, want 1", got, n)
	}
}

// TestUnreachableKeySetIsUnavailableNotInvalid: when the key set cannot be
// fetched, a token cannot be checked at all; that is the verifier's
// trouble (UNAVAILABLE, try again), not an invalid token that would sign
// the client out.
func TestUnreachableKeySetIsUnavailableNotInvalid(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer srv.Close()
	signer, err := NewKeys(KeyConfig{Issuer: "iss", Audience: "aud", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := signer.Issue("0190e5a4-1c2b-7d3e-8f40-123456789abc", []string{"user"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewRemoteVerifier(srv.URL, "iss", "aud").Verify(context.Background(), tok)
	if domain.KindOf(err) != domain.KindUnavailable || !errors.Is(err, ErrKeySetUnavailable) {
		t.Fatalf("key set down: %v (kind %v), want UNAVAILABLE", err, domain.KindOf(err))
	}
	// A forged token is still refused as invalid once keys are known.
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(signer.JWKS()) }))
	defer good.Close()
	v := NewRemoteVerifier(good.URL, "iss", "aud")
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("key set up: %v", err)
	}
	if _, err := v.Verify(context.Background(), tok[:len(tok)-4]+"AAAA"); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("tampered token with the key set up: %v", err)
	}
}
