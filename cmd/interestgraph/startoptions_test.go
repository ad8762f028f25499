package main

import (
	"context"
	"net"

	"github.com/interestgraph/interestgraph/internal/store"
)

// The start options, which only tests pass (see startOption).

// withKafkaDial opens every Kafka connection of the process with dial.
func withKafkaDial(dial func(ctx context.Context, network, address string) (net.Conn, error)) startOption {
	return func(o *startOptions) { o.kafkaDial = dial }
}

// withStoreWrapper puts wrap around the store every part of the process
// uses.
func withStoreWrapper(wrap func(store.GraphStore) store.GraphStore) startOption {
	return func(o *startOptions) { o.wrapStore = wrap }
}
