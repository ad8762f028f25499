package bus_test

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/bus/bustest"
	"github.com/interestgraph/interestgraph/internal/embedded"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestContractEmbedded runs the bus contract on the embedded kfake broker.
func TestContractEmbedded(t *testing.T) {
	broker, err := embedded.StartBroker(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	bustest.Run(t, func(*testing.T) bus.Config { return bus.Config{Brokers: broker.Addrs()} })
}

// TestContractKafka runs the bus contract on the real Kafka of the dev
// stack.
func TestContractKafka(t *testing.T) {
	brokers := testsupport.KafkaBrokers(t)
	bustest.Run(t, func(*testing.T) bus.Config { return bus.Config{Brokers: brokers} })
}
