package bus

import (
	"context"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/tracing"
)

// headerCarrier lets the W3C propagator read and write Kafka headers.
type headerCarrier struct{ h *[]kafka.Header }

func (c headerCarrier) Get(key string) string {
	for _, h := range *c.h {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func (c headerCarrier) Set(key, value string) {
	for i, h := range *c.h {
		if h.Key == key {
			(*c.h)[i].Value = []byte(value)
			return
		}
	}
	*c.h = append(*c.h, kafka.Header{Key: key, Value: []byte(value)})
}

func (c headerCarrier) Keys() []string {
	keys := make([]string, len(*c.h))
	for i, h := range *c.h {
		keys[i] = h.Key
	}
	return keys
}

// inject writes the trace context of ctx (traceparent, tracestate) into
// the headers of msgs; without a span in ctx it writes nothing.
func inject(ctx context.Context, msgs []kafka.Message) {
	for i := range msgs {
		tracing.Propagator.Inject(ctx, headerCarrier{&msgs[i].Headers})
	}
}

// TraceContext returns ctx carrying the trace context of m's headers, so
// that spans started from it continue the producer's trace.
func TraceContext(ctx context.Context, m kafka.Message) context.Context {
	return tracing.Propagator.Extract(ctx, headerCarrier{&m.Headers})
}
