package bus

import (
	"encoding/json"
	"fmt"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// EncodeOutcome turns out into a message of topic keyed by actor: the
// outcome as JSON without its events, which go to the events topic on
// their own.
func EncodeOutcome(topic, actor string, out domain.Outcome) (kafka.Message, error) {
	slim := out
	slim.Events = nil
	raw, err := json.Marshal(slim)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode outcome: %w", err)
	}
	return kafka.Message{Topic: topic, Key: []byte(actor), Value: raw}, nil
}

// DecodeOutcome reads an outcome back from a message of the outcomes
// topic.
func DecodeOutcome(m kafka.Message) (domain.Outcome, error) {
	var out domain.Outcome
	if err := json.Unmarshal(m.Value, &out); err != nil {
		return domain.Outcome{}, fmt.Errorf("decode outcome: %w", err)
	}
	return out, nil
}
