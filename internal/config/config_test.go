package config

import (
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
