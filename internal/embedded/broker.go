// Package embedded starts the in-process Kafka-protocol broker of the
// embedded default (franz-go's kfake). The service talks to it over TCP on
// loopback with the same kafka-go code it uses against a real cluster, so
// the command path is the production one; only the broker is a stand-in.
package embedded

import (
	"fmt"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Broker is a running in-process broker.
type Broker struct {
	c *kfake.Cluster
}

// StartBroker starts a one-broker cluster on a loopback port (0 picks a
// free one).
func StartBroker(port int) (*Broker, error) {
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.Ports(port),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, fmt.Sprintf("127.0.0.1:%d", port))
		}),
		kfake.GroupMinSessionTimeout(time.Second),
	)
	if err != nil {
		return nil, fmt.Errorf("embedded broker: %w", err)
	}
	return &Broker{c: c}, nil
}

// Addrs returns the broker addresses.
func (b *Broker) Addrs() []string { return b.c.ListenAddrs() }

// Close stops the broker; everything it held is gone.
func (b *Broker) Close() { b.c.Close() }
