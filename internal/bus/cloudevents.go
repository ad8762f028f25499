package bus

import (
	"fmt"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// CloudEvents binary content mode on Kafka: attributes are ce_ headers, the
// data is the message value. The ce_commandid extension names the command
// that caused the event.
const (
	ceTypePrefix = "interestgraph."
	ceSource     = "/interestgraph"
)

// EncodeEvent turns an event into a Kafka message keyed by its subject.
func EncodeEvent(topic string, ev domain.Event) kafka.Message {
	return kafka.Message{
		Topic: topic,
		Key:   []byte(ev.Subject),
		Value: ev.Data,
		Headers: []kafka.Header{
			{Key: "ce_specversion", Value: []byte("1.0")},
			{Key: "ce_id", Value: []byte(ev.ID)},
			{Key: "ce_type", Value: []byte(ceTypePrefix + string(ev.Type))},
			{Key: "ce_source", Value: []byte(ceSource)},
			{Key: "ce_subject", Value: []byte(ev.Subject)},
			{Key: "ce_time", Value: []byte(ev.At.UTC().Format(time.RFC3339Nano))},
			{Key: "ce_commandid", Value: []byte(ev.CommandID)},
			{Key: "content-type", Value: []byte("application/json")},
		},
	}
}

// DecodeEvent reads an event back from a message.
func DecodeEvent(m kafka.Message) (domain.Event, error) {
	h := map[string]string{}
	for _, x := range m.Headers {
		h[x.Key] = string(x.Value)
	}
	if h["ce_specversion"] != "1.0" {
		return domain.Event{}, fmt.Errorf("not a CloudEvent 1.0 (ce_specversion=%q)", h["ce_specversion"])
	}
	at, err := time.Parse(time.RFC3339Nano, h["ce_time"])
	if err != nil {
		return domain.Event{}, fmt.Errorf("ce_time: %w", err)
	}
	typ, ok := strings.CutPrefix(h["ce_type"], ceTypePrefix)
	if !ok || h["ce_id"] == "" {
		return domain.Event{}, fmt.Errorf("unexpected ce_type %q or missing ce_id", h["ce_type"])
	}
	return domain.Event{
		ID: h["ce_id"], Type: domain.EventType(typ), Subject: h["ce_subject"], At: at.UTC(),
		CommandID: h["ce_commandid"], Data: m.Value,
	}, nil
}
