package testsupport

import (
	"os"
	"testing"
)

// ChromiumPath is where Debian's chromium package puts the browser;
// scripts/test installs it where it is missing.
const ChromiumPath = "/usr/bin/chromium"

// Chromium returns the headless browser for browser tests. Like the
// servers, a missing browser fails the test unless the run opted out of
// integration tests.
func Chromium(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err == nil {
		return ChromiumPath
	}
	if os.Getenv(SkipVar) == "1" {
		t.Skipf("browser test skipped: %s=1 and %s missing", SkipVar, ChromiumPath)
	}
	t.Fatalf("browser test needs %s: `apt-get install -y chromium` (scripts/test installs it), or set %s=1 to opt out",
		ChromiumPath, SkipVar)
	return ""
}
