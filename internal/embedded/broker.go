// Package embedded starts the in-process Kafka-protocol broker of the
// embedded default (franz-go's kfake). The service talks to it over TCP on
// loopback with the same kafka-go code it uses against a real cluster, so
// the command path is the production one; only the broker is a stand-in.
package embedded

import (
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
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

// RefuseProduce makes the broker drop every connection that sends a
// produce request, as an unreachable Kafka would look to a writer, until
// restore is called. It exists for fault tests.
func (b *Broker) RefuseProduce() (restore func()) {
	var refusing atomic.Bool
	refusing.Store(true)
	b.c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		if !refusing.Load() {
			b.c.DropControl()
			return nil, nil, false
		}
		b.c.KeepControl()
		return nil, errors.New("embedded broker: refusing produce requests"), true
	})
	return func() { refusing.Store(false) }
}

// Close stops the broker; everything it held is gone.
func (b *Broker) Close() { b.c.Close() }
