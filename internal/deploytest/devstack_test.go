package deploytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestDevstackStatusFromAnotherCheckout: servers started by one checkout's
// scripts/devstack are reported as up (and whose they are) by another
// checkout's, instead of "down" while they serve.
func TestDevstackStatusFromAnotherCheckout(t *testing.T) {
	testsupport.KafkaSASLServer(t) // the dev stack serves this run
	other := t.TempDir()
	if err := os.CopyFS(filepath.Join(other, "scripts"), os.DirFS("../../scripts")); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", filepath.Join(other, "scripts", "devstack"), "status").CombinedOutput()
	if err != nil {
		t.Fatalf("status from another checkout: %v\n%s", err, out)
	}
	for _, c := range []string{"kafka", "neo4j"} {
		line := ""
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, c+" ") {
				line = l
			}
		}
		if !strings.Contains(line, " up ") || !strings.Contains(line, "started by the checkout at") {
			t.Errorf("%s: %q, want up and started by the other checkout\n%s", c, line, out)
		}
	}
}
