package testsupport

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
)

// WriteSigningKey writes a new Ed25519 private key (PKCS#8 PEM, mode 0600)
// to dir/jwt.pem, for a service started with JWT_PRIVATE_KEY_FILE, and
// returns the file's path. It takes no testing.T: the benchmark calls it.
func WriteSigningKey(dir string) (string, error) {
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "jwt.pem")
	return path, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}
