package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreTheEmbeddedMode(t *testing.T) {
	c, err := parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || !c.Embedded() || c.KafkaPartitions != 6 || c.AccessTokenTTL != 15*time.Minute || c.CommandWaitTimeout != 5*time.Second || c.KafkaSendTimeout != 5*time.Second {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestProductionSettings(t *testing.T) {
	c, err := parse(env(map[string]string{
		"KAFKA_BROKERS": "k1:9092, k2:9092", "NEO4J_URI": "neo4j://db:7687", "NEO4J_PASSWORD": "secret-pw",
		"HTTP_ADDR": "0.0.0.0:9000", "KAFKA_PARTITIONS": "12",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Embedded() || len(c.KafkaBrokers) != 2 || c.KafkaBrokers[1] != "k2:9092" || c.KafkaPartitions != 12 || c.HTTPAddr != "0.0.0.0:9000" {
		t.Fatalf("parsed: %+v", c)
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	_, err := parse(env(map[string]string{
		"KAFKA_PARTITIONS": "many", "ACCESS_TOKEN_TTL": "forever", "NEO4J_URI": "bolt://x", "LOG_FORMAT": "xml",
		"KAFKA_SEND_TIMEOUT": "0s",
	}))
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"KAFKA_PARTITIONS", "ACCESS_TOKEN_TTL", "NEO4J_PASSWORD", "LOG_FORMAT", "KAFKA_SEND_TIMEOUT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

// TestEnvNamesAreTheOnesRead catches a variable added to parse but not to
// EnvNames (and so missing from the README check).
func TestEnvNamesAreTheOnesRead(t *testing.T) {
	read := map[string]bool{}
	_, _ = parse(func(k string) string { read[k] = true; return "" })
	for _, n := range EnvNames {
		if !read[n] {
			t.Errorf("EnvNames lists %s, which parse does not read", n)
		}
		delete(read, n)
	}
	for n := range read {
		t.Errorf("parse reads %s, which EnvNames does not list", n)
	}
}

func TestKafkaSecuritySettings(t *testing.T) {
	base := map[string]string{"KAFKA_BROKERS": "kafka.example:9093"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	c, err := parse(env(with("KAFKA_TLS", "true", "KAFKA_SASL_MECHANISM", "scram-sha-512", "KAFKA_SASL_USERNAME", "svc", "KAFKA_SASL_PASSWORD", "pw")))
	if err != nil || !c.KafkaTLS || c.KafkaSASLMechanism != "SCRAM-SHA-512" || c.KafkaSASLUsername != "svc" || c.KafkaSASLPassword != "pw" {
		t.Fatalf("SCRAM over TLS: %+v %v", c, err)
	}
	for name, m := range map[string]map[string]string{
		"unknown mechanism":  with("KAFKA_SASL_MECHANISM", "GSSAPI", "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "p"),
		"mechanism, no user": with("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256"),
		"user, no mechanism": with("KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "p"),
		"PLAIN in clear":     with("KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "p"),
		"embedded with TLS":  {"KAFKA_TLS": "true"},
		"TLS not a bool":     with("KAFKA_TLS", "sure"),
	} {
		if _, err := parse(env(m)); err == nil || !strings.Contains(err.Error(), "KAFKA_") {
			t.Errorf("%s: accepted or unclear: %v", name, err)
		}
	}
	// PLAIN without TLS is allowed on loopback (the dev stack's listener).
	if _, err := parse(env(map[string]string{"KAFKA_BROKERS": "127.0.0.1:9094", "KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"})); err != nil {
		t.Errorf("PLAIN on loopback: %v", err)
	}
}

// TestMutationsPerMinute: 120 by default, 0 lifts the limit, a negative
// rate is refused.
func TestMutationsPerMinute(t *testing.T) {
	for v, want := range map[string]int{"": 120, "0": 0, "600": 600} {
		c, err := parse(env(map[string]string{"MUTATIONS_PER_MINUTE": v}))
		if err != nil || c.MutationsPerMinute != want {
			t.Errorf("MUTATIONS_PER_MINUTE=%q: %d, %v; want %d", v, c.MutationsPerMinute, err, want)
		}
	}
	if _, err := parse(env(map[string]string{"MUTATIONS_PER_MINUTE": "-1"})); err == nil || !strings.Contains(err.Error(), "MUTATIONS_PER_MINUTE") {
		t.Errorf("a negative rate: %v", err)
	}
}

func TestWebSocketLimits(t *testing.T) {
	c, err := parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.WSMaxSubscriptions != 50 || c.WSMaxConnsPerAddr != 1000 || c.WSMaxConns != 10_000 || c.WSWriteTimeout != 10*time.Second || c.WSIdleTimeout != 2*time.Minute {
		t.Fatalf("WebSocket defaults: %+v", c)
	}
	c, err = parse(env(map[string]string{"WS_MAX_CONNECTIONS_PER_ADDRESS": "100000", "WS_MAX_CONNECTIONS": "100000"}))
	if err != nil || c.WSMaxConnsPerAddr != 100_000 {
		t.Fatalf("raised per-address cap: %v %d", err, c.WSMaxConnsPerAddr)
	}
	_, err = parse(env(map[string]string{"WS_MAX_SUBSCRIPTIONS": "0", "WS_MAX_CONNECTIONS_PER_ADDRESS": "20000",
		"WS_WRITE_TIMEOUT": "1ms", "WS_IDLE_TIMEOUT": "1s"}))
	for _, want := range []string{"WS_MAX_SUBSCRIPTIONS", "WS_MAX_CONNECTIONS_PER_ADDRESS", "WS_WRITE_TIMEOUT", "WS_IDLE_TIMEOUT"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

// TestCORSOrigins: none by default; WS_ALLOWED_ORIGINS follows
// CORS_ALLOWED_ORIGINS unless set; an origin that is not scheme://host is
// refused with the variable's name.
func TestCORSOrigins(t *testing.T) {
	c, err := parse(env(nil))
	if err != nil || len(c.CORSAllowedOrigins) != 0 || len(c.WSAllowedOrigins) != 0 {
		t.Fatalf("defaults: %v %v %v", c.CORSAllowedOrigins, c.WSAllowedOrigins, err)
	}
	c, err = parse(env(map[string]string{"CORS_ALLOWED_ORIGINS": "http://localhost:5173, https://app.example.com"}))
	if err != nil || len(c.CORSAllowedOrigins) != 2 || strings.Join(c.WSAllowedOrigins, ",") != "http://localhost:5173,https://app.example.com" {
		t.Fatalf("parsed: %v %v %v", c.CORSAllowedOrigins, c.WSAllowedOrigins, err)
	}
	c, err = parse(env(map[string]string{"CORS_ALLOWED_ORIGINS": "http://localhost:5173", "WS_ALLOWED_ORIGINS": "other.example"}))
	if err != nil || strings.Join(c.WSAllowedOrigins, ",") != "other.example" {
		t.Fatalf("explicit WS_ALLOWED_ORIGINS: %v %v", c.WSAllowedOrigins, err)
	}
	for _, bad := range []string{"localhost:5173", "http://localhost:5173/app", "ftp://x.example", "http://"} {
		if _, err := parse(env(map[string]string{"CORS_ALLOWED_ORIGINS": bad})); err == nil || !strings.Contains(err.Error(), "CORS_ALLOWED_ORIGINS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := parse(env(map[string]string{"CORS_ALLOWED_ORIGINS": "*"})); err != nil {
		t.Errorf("*: %v", err)
	}
}

// TestOneErrorPerVariable: a variable that does not parse is reported once,
// in the project's words (not a library's).
func TestOneErrorPerVariable(t *testing.T) {
	_, err := parse(env(map[string]string{"KAFKA_PARTITIONS": "many", "ACCESS_TOKEN_TTL": "forever", "LOG_LEVEL": "loud", "KAFKA_SESSION_TIMEOUT": "soon", "GRAPHQL_MAX_COMPLEXITY": "lots"}))
	if err == nil {
		t.Fatal("bad config accepted")
	}
	msg := err.Error()
	for _, n := range []string{"KAFKA_PARTITIONS", "ACCESS_TOKEN_TTL", "LOG_LEVEL", "KAFKA_SESSION_TIMEOUT", "GRAPHQL_MAX_COMPLEXITY"} {
		if c := strings.Count(msg, n); c != 1 {
			t.Errorf("%s reported %d times:\n%s", n, c, msg)
		}
	}
	if !strings.Contains(msg, `LOG_LEVEL: "loud" is not a level (debug, info, warn, error)`) || strings.Contains(msg, "slog") {
		t.Errorf("LOG_LEVEL error: %s", msg)
	}
}

// TestEveryVariableIsDocumented: help is generated from Vars, so every
// variable has a description, and its documented default is the real one:
// setting a variable to its documented default changes nothing.
func TestEveryVariableIsDocumented(t *testing.T) {
	def, err := parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, v := range Vars {
		documented[v.Name] = true
		if v.Doc == "" || len(v.Commands) == 0 {
			t.Errorf("%s: no description or no command", v.Name)
		}
		if v.Default == "" {
			continue
		}
		c, err := parse(env(map[string]string{v.Name: v.Default}))
		if err != nil || !reflect.DeepEqual(c, def) {
			t.Errorf("%s=%s is not the default (%v)", v.Name, v.Default, err)
		}
	}
	for _, n := range EnvNames {
		if !documented[n] {
			t.Errorf("%s is read but not in Vars", n)
		}
	}
	if len(Vars) != len(EnvNames) {
		t.Errorf("Vars has %d entries, EnvNames %d", len(Vars), len(EnvNames))
	}
}

// TestDirectAnswers: on by default (the operator's switch turns it off).
func TestDirectAnswers(t *testing.T) {
	for v, want := range map[string]bool{"": true, "true": true, "false": false} {
		c, err := parse(env(map[string]string{"GRAPHQL_DIRECT_ANSWERS": v}))
		if err != nil || c.DirectAnswers != want {
			t.Errorf("GRAPHQL_DIRECT_ANSWERS=%q: %v, %v; want %v", v, c.DirectAnswers, err, want)
		}
	}
}
