// Package tracing sets up OpenTelemetry tracing and holds the span helpers
// the gateway, consumer and hub share. Tracing is on only when an OTLP
// endpoint is configured (the standard OTEL_EXPORTER_OTLP_* variables);
// otherwise the global provider stays the no-op one, whose spans cost
// next to nothing and still carry an incoming traceparent along.
//
// The W3C trace context travels: HTTP request (traceparent) → GraphQL
// operation span → the command's Kafka headers → the consumer's process
// and decision spans and its Neo4j transaction → the events' Kafka headers
// → the gateway's event tail → the subscription delivery span.
package tracing

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Name is the instrumentation scope of every span of the service.
const Name = "github.com/interestgraph/interestgraph"

// Tracer returns the service's tracer from the global provider (looked up
// per call, so a provider installed later, as tests do, is used).
func Tracer() trace.Tracer { return otel.Tracer(Name) }

// Propagator is W3C trace context; set globally by Setup.
var Propagator propagation.TextMapPropagator = propagation.TraceContext{}

// Setup installs the propagator and, when enabled, an OTLP/HTTP exporter
// configured by the standard OTEL_* variables (endpoint, headers,
// protocol, sampler, service name). The returned shutdown flushes spans.
func Setup(ctx context.Context, enabled bool, service string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(Propagator)
	if !enabled {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	// The default name first, so that OTEL_SERVICE_NAME overrides it.
	res, err := resource.New(ctx, resource.WithAttributes(semconv.ServiceName(service)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}
