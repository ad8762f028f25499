package shred

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Prefix marks a sealed value: "sealed:v1:" + base64(nonce ‖ ciphertext).
// The version names the scheme (AES-256-GCM, 96-bit random nonce), so a
// later scheme can sit beside it on the same topic.
const Prefix = "sealed:v1:"

// KeySize is the size of a person's key: AES-256.
const KeySize = 32

// ErrUnreadable: a sealed value that does not open under the key given
// (altered, moved to another event or field, or sealed under another key).
var ErrUnreadable = errors.New("shred: sealed value does not open")

// NewKey returns a fresh random key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("shred: new key: %w", err)
	}
	return k, nil
}

// IsSealed reports whether v is a sealed value.
func IsSealed(v string) bool { return strings.HasPrefix(v, Prefix) }

// Seal encrypts plaintext under key. aad binds the result to where it
// belongs (event id and field), so it cannot be replayed into another.
func Seal(key []byte, aad, plaintext string) (string, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize(), gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("shred: nonce: %w", err)
	}
	out := gcm.Seal(nonce, nonce, []byte(plaintext), []byte(aad))
	return Prefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same key and aad.
func Open(key []byte, aad, sealed string) (string, error) {
	body, ok := strings.CutPrefix(sealed, Prefix)
	if !ok {
		return "", fmt.Errorf("%w: not sealed", ErrUnreadable)
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	if len(raw) < gcm.NonceSize() {
		return "", fmt.Errorf("%w: too short", ErrUnreadable)
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return string(plain), nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("shred: key of %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("shred: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("shred: %w", err)
	}
	return gcm, nil
}
