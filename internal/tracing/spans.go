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

// Attributes are set only on recording spans: with tracing off (the no-op
// provider) or a trace not sampled, a span costs no attribute slices.

// StartOperation starts the span of a GraphQL operation (semantic
// conventions: span name is the operation type; graphql.operation.*).
func StartOperation(ctx context.Context, opType, opName string) (context.Context, trace.Span) {
	ctx, span := Tracer().Start(ctx, opType, trace.WithSpanKind(trace.SpanKindServer))
	if span.IsRecording() {
		span.SetAttributes(semconv.GraphQLOperationTypeKey.String(opType))
		if opName != "" {
			span.SetAttributes(semconv.GraphQLOperationName(truncate(opName)))
		}
	}
	return ctx, span
}

// StartSend starts a producer span for messages to topic.
func StartSend(ctx context.Context, topic string, n int) (context.Context, trace.Span) {
	ctx, span := Tracer().Start(ctx, "send "+topic, trace.WithSpanKind(trace.SpanKindProducer))
	if span.IsRecording() {
		span.SetAttributes(semconv.MessagingSystemKafka, semconv.MessagingOperationTypeSend,
			semconv.MessagingDestinationName(topic), semconv.MessagingOperationName("send"), semconv.MessagingBatchMessageCount(n))
	}
	return ctx, span
}

// StartProcess starts the consumer span of one message, as a child of the
// producer's context in ctx (extracted from its headers).
func StartProcess(ctx context.Context, topic, group string, partition int, offset int64) (context.Context, trace.Span) {
	ctx, span := Tracer().Start(ctx, "process "+topic, trace.WithSpanKind(trace.SpanKindConsumer))
	if span.IsRecording() {
		span.SetAttributes(semconv.MessagingSystemKafka, semconv.MessagingOperationTypeProcess, semconv.MessagingOperationName("process"),
			semconv.MessagingDestinationName(topic), semconv.MessagingConsumerGroupName(group),
			semconv.MessagingDestinationPartitionID(strconv.Itoa(partition)), semconv.MessagingKafkaOffset(int(offset)))
	}
	return ctx, span
}

// StartInternal starts an internal span (a decision).
func StartInternal(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	ctx, span := Tracer().Start(ctx, name)
	if span.IsRecording() {
		span.SetAttributes(attrs...)
	}
	return ctx, span
}

// StartDB starts the client span of a Neo4j transaction (db.* semantic
// conventions; the operation is a fixed name, never the query text).
func StartDB(ctx context.Context, operation string) (context.Context, trace.Span) {
	ctx, span := Tracer().Start(ctx, operation+" neo4j", trace.WithSpanKind(trace.SpanKindClient))
	if span.IsRecording() {
		span.SetAttributes(semconv.DBSystemNameNeo4j, semconv.DBOperationName(operation))
	}
	return ctx, span
}

// StartDelivery starts the span of handing an event to a subscription, as
// a child of the span that published the event (from its Kafka headers).
// An event without a trace gets no span: a root span per delivery would be
// noise.
func StartDelivery(ctx context.Context, parent trace.SpanContext) (context.Context, trace.Span) {
	if !parent.IsValid() {
		return ctx, trace.SpanFromContext(context.Background()) // the no-op span
	}
	ctx, span := Tracer().Start(trace.ContextWithRemoteSpanContext(ctx, parent), "subscription deliver",
		trace.WithSpanKind(trace.SpanKindConsumer))
	if span.IsRecording() {
		span.SetAttributes(semconv.GraphQLOperationTypeSubscription)
	}
	return ctx, span
}

// ErrorTypeGraphQL marks a span whose response carried GraphQL errors.
var ErrorTypeGraphQL = semconv.ErrorTypeKey.String("graphql_error")

// End ends span, marking it failed when err is not nil.
func End(span trace.Span, err error) {
	if err != nil && span.IsRecording() {
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
