package tracing

import (
	"context"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxNameLen bounds a client-chosen operation name copied into a span.
const maxNameLen = 64

// StartOperation starts the span of a GraphQL operation (semantic
// conventions: span name is the operation type; graphql.operation.*).
func StartOperation(ctx context.Context, opType, opName string) (context.Context, trace.Span) {
	attrs := []attribute.KeyValue{semconv.GraphQLOperationTypeKey.String(opType)}
	if opName != "" {
		attrs = append(attrs, semconv.GraphQLOperationName(truncate(opName)))
	}
	return Tracer().Start(ctx, opType, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
}

// StartSend starts a producer span for messages to topic.
func StartSend(ctx context.Context, topic string, n int) (context.Context, trace.Span) {
	return Tracer().Start(ctx, "send "+topic, trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(
		semconv.MessagingSystemKafka, semconv.MessagingOperationTypeSend, semconv.MessagingDestinationName(topic),
		semconv.MessagingOperationName("send"), semconv.MessagingBatchMessageCount(n)))
}

// StartProcess starts the consumer span of one message, as a child of the
// producer's context in ctx (extracted from its headers).
func StartProcess(ctx context.Context, topic, group string, partition int, offset int64) (context.Context, trace.Span) {
	return Tracer().Start(ctx, "process "+topic, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
		semconv.MessagingSystemKafka, semconv.MessagingOperationTypeProcess, semconv.MessagingOperationName("process"),
		semconv.MessagingDestinationName(topic), semconv.MessagingConsumerGroupName(group),
		semconv.MessagingDestinationPartitionID(itoa(partition)), semconv.MessagingKafkaOffset(int(offset))))
}

// StartInternal starts an internal span (a decision, a transaction).
func StartInternal(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	return Tracer().Start(ctx, name, trace.WithAttributes(attrs...))
}

// StartDelivery starts the span of handing an event to a subscription, as
// a child of the span that published the event (from its Kafka headers).
func StartDelivery(ctx context.Context, parent trace.SpanContext) (context.Context, trace.Span) {
	if parent.IsValid() {
		ctx = trace.ContextWithRemoteSpanContext(ctx, parent)
	}
	return Tracer().Start(ctx, "subscription deliver", trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(semconv.GraphQLOperationTypeSubscription))
}

// End ends span, marking it failed when err is not nil.
func End(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

func truncate(s string) string {
	if len(s) > maxNameLen {
		return s[:maxNameLen]
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// StartDB starts the client span of a Neo4j transaction (db.* semantic
// conventions; the operation is a fixed name, never the query text).
func StartDB(ctx context.Context, operation string) (context.Context, trace.Span) {
	return Tracer().Start(ctx, operation+" neo4j", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.DBSystemNameNeo4j, semconv.DBOperationName(operation)))
}

// ErrorTypeGraphQL marks a span whose response carried GraphQL errors.
var ErrorTypeGraphQL = semconv.ErrorTypeKey.String("graphql_error")
