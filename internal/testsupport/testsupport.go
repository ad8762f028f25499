// Package testsupport gives integration tests the real servers of the dev
// stack (or of docker compose) and keeps tests apart from each other.
//
// Integration tests never skip silently: without KAFKA_BROKERS / NEO4J_URI
// they fail, unless the run opted out with INTERESTGRAPH_SKIP_INTEGRATION=1
// (which the README's test command refuses under CI).
package testsupport

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// SkipVar is the explicit opt-out from integration tests.
const SkipVar = "INTERESTGRAPH_SKIP_INTEGRATION"

func need(t testing.TB, vars ...string) {
	t.Helper()
	var missing []string
	for _, v := range vars {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv(SkipVar) == "1" {
		t.Skipf("integration test skipped: %s=1 and %s unset", SkipVar, strings.Join(missing, ", "))
	}
	t.Fatalf("integration test needs %s: run it through `make test`, which starts real Kafka and Neo4j "+
		"(or `eval \"$(scripts/devstack env)\"` after `scripts/devstack up`); set %s=1 to opt out",
		strings.Join(missing, ", "), SkipVar)
}

// KafkaBrokers returns the real brokers' addresses.
func KafkaBrokers(t testing.TB) []string {
	t.Helper()
	need(t, "KAFKA_BROKERS")
	return strings.Split(os.Getenv("KAFKA_BROKERS"), ",")
}

// Neo4j holds the credentials of the real Neo4j.
type Neo4j struct{ URI, User, Password string }

// Neo4jServer returns how to reach the real Neo4j.
func Neo4jServer(t testing.TB) Neo4j {
	t.Helper()
	need(t, "NEO4J_URI")
	user := os.Getenv("NEO4J_USER")
	if user == "" {
		user = "neo4j"
	}
	return Neo4j{URI: os.Getenv("NEO4J_URI"), User: user, Password: os.Getenv("NEO4J_PASSWORD")}
}

// Unique returns a short random token (lower-case hex) for names that must
// not collide with other tests or earlier runs: topic prefixes, interest
// names, emails.
func Unique() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Letters returns a random token of letters only, for interest names.
func Letters() string {
	const abc = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = abc[int(b[i])%len(abc)]
	}
	return string(b)
}

// KafkaSASL is the dev stack's SASL listener and its user (PLAIN and
// SCRAM-SHA-256/512), for tests of the Kafka security settings.
type KafkaSASL struct {
	Brokers            []string
	Username, Password string
}

// KafkaSASLServer returns the SASL listener of the real Kafka.
func KafkaSASLServer(t testing.TB) KafkaSASL {
	t.Helper()
	need(t, "DEVSTACK_KAFKA_SASL_BROKERS", "DEVSTACK_KAFKA_SASL_USERNAME", "DEVSTACK_KAFKA_SASL_PASSWORD")
	return KafkaSASL{Brokers: strings.Split(os.Getenv("DEVSTACK_KAFKA_SASL_BROKERS"), ","),
		Username: os.Getenv("DEVSTACK_KAFKA_SASL_USERNAME"), Password: os.Getenv("DEVSTACK_KAFKA_SASL_PASSWORD")}
}
