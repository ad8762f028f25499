package main

import (
	"context"
	"net"

	"github.com/interestgraph/interestgraph/internal/store"
)

// startOption changes how start wires a process. Only tests pass any: they
// route Kafka through a fault-injecting proxy or watch the store from
// outside. Nothing here is configuration.
type startOption func(*startOptions)

type startOptions struct {
	kafkaDial func(ctx context.Context, network, address string) (net.Conn, error)
	wrapStore func(store.GraphStore) store.GraphStore
}

func applyStartOptions(opts []startOption) startOptions {
	var o startOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}
