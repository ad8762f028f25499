package main

import (
	"context"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestKafkaSASL: with KAFKA_SASL_* set, every Kafka client of the service
// (topic admin, writer, consumer group and readers, the gateways' tails)
// logs in to the real broker's SASL listener: a follow travels the whole
// command path and is APPLIED. A wrong password is refused at once.
func TestKafkaSASL(t *testing.T) {
	sasl := testsupport.KafkaSASLServer(t)
	for _, mech := range []string{bus.SASLScramSHA512, bus.SASLScramSHA256, bus.SASLPlain} {
		t.Run(mech, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t, realStack)
			cfg.KafkaBrokers = sasl.Brokers
			cfg.KafkaSASLMechanism, cfg.KafkaSASLUsername, cfg.KafkaSASLPassword = mech, sasl.Username, sasl.Password
			rs := startService(t, cfg, roles{gateway: true, consumer: true})
			ann, bob := rs.register(t, "Ann"), rs.register(t, "Bob")
			if r := rs.mutate(t, ann.Token, "follow", "personId", bob.ID); r.Status != "APPLIED" {
				t.Fatalf("follow over SASL %s: %+v", mech, r)
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		cfg := testConfig(t, realStack)
		cfg.KafkaBrokers = sasl.Brokers
		cfg.KafkaSASLMechanism, cfg.KafkaSASLUsername, cfg.KafkaSASLPassword = bus.SASLScramSHA512, sasl.Username, "not-the-password"
		bc, err := busConfig(cfg, cfg.KafkaBrokers)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		// kafka-go reports a failed SASL handshake as an unreachable broker;
		// what matters is that nothing is done with a wrong password.
		if err := bus.EnsureTopics(ctx, bc); err == nil {
			t.Fatal("the SASL listener accepted a wrong SCRAM password")
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		t.Parallel()
		cfg := testConfig(t, realStack)
		bc, err := busConfig(cfg, sasl.Brokers)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := bus.EnsureTopics(ctx, bc); err == nil {
			t.Fatal("the SASL listener accepted a client that did not log in")
		}
	})
}
