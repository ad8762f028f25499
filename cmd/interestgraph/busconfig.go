package main

import (
	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/config"
)

// busConfig is the one place a process's Kafka settings are put together,
// security included, so no Kafka client of any subcommand goes without it.
func busConfig(cfg config.Config, brokers []string) (bus.Config, error) {
	tlsCfg, mech, err := bus.Security(bus.SecurityOptions{
		TLS: cfg.KafkaTLS, TLSCAFile: cfg.KafkaTLSCAFile,
		SASLMechanism: cfg.KafkaSASLMechanism, SASLUsername: cfg.KafkaSASLUsername, SASLPassword: cfg.KafkaSASLPassword,
	})
	if err != nil {
		return bus.Config{}, err
	}
	return bus.Config{Brokers: brokers, Topics: bus.DefaultTopics(cfg.KafkaTopicPrefix),
		Partitions: cfg.KafkaPartitions, ReplicationFactor: cfg.KafkaReplicationFactor, TLS: tlsCfg, SASL: mech}, nil
}
