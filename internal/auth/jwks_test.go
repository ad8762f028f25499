package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
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
