package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Bus sends commands and publishes events, outcomes and dead letters. It is
// safe for concurrent use.
type Bus struct {
	cfg Config
	p   *producer
}

// New returns a bus; Close releases its writer.
func New(cfg Config) (*Bus, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Bus{cfg: cfg, p: newProducer(cfg)}, nil
}

// Config returns the configuration the bus was made with.
func (b *Bus) Config() Config { return b.cfg }

// Close waits for the sends in flight and refuses new ones.
func (b *Bus) Close() error {
	b.p.close()
	return nil
}

// SendCommand writes cmd to the commands topic, keyed by its actor so that
// one person's commands are decided in order. It returns once all in-sync
// replicas have the command.
func (b *Bus) SendCommand(ctx context.Context, cmd domain.Command) error {
	return b.SendCommands(ctx, cmd)
}

// SendCommands writes several commands in one batch, within the configured
// SendTimeout.
func (b *Bus) SendCommands(ctx context.Context, cmds ...domain.Command) error {
	msgs := make([]kafka.Message, 0, len(cmds))
	for _, cmd := range cmds {
		raw, err := json.Marshal(cmd)
		if err != nil {
			return fmt.Errorf("encode command: %w", err)
		}
		msgs = append(msgs, kafka.Message{Topic: b.cfg.Topics.Commands, Key: []byte(cmd.Actor), Value: raw, Headers: []kafka.Header{
			{Key: "content-type", Value: []byte("application/json")},
			{Key: "command-type", Value: []byte(cmd.Type)},
		}})
	}
	timeout := b.cfg.SendTimeout
	if timeout <= 0 {
		timeout = DefaultSendTimeout
	}
	// The writer retries an unreachable broker for longer than a client
	// should wait; the caller answers "try again" instead.
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := b.write(ctx, roleCommands, msgs...); err != nil {
		return fmt.Errorf("kafka: send %d commands: %w", len(cmds), err)
	}
	return nil
}

// PublishOutcome writes the events of out, then out itself. Events go first
// so that a gateway told APPLIED has the events on their way too.
func (b *Bus) PublishOutcome(ctx context.Context, actor string, out domain.Outcome) error {
	msgs := make([]kafka.Message, 0, len(out.Events)+1)
	for _, ev := range out.Events {
		msgs = append(msgs, EncodeEvent(b.cfg.Topics.Events, ev))
	}
	if len(msgs) > 0 {
		if err := b.write(ctx, roleEvents, msgs...); err != nil {
			return fmt.Errorf("kafka: publish events of %s: %w", out.CommandID, err)
		}
	}
	m, err := EncodeOutcome(b.cfg.Topics.Outcomes, actor, out)
	if err != nil {
		return err
	}
	if err := b.write(ctx, roleOutcomes, m); err != nil {
		return fmt.Errorf("kafka: publish outcome of %s: %w", out.CommandID, err)
	}
	return nil
}

// PublishEvents writes events as they are (used by tools and tests).
func (b *Bus) PublishEvents(ctx context.Context, events []domain.Event) error {
	msgs := make([]kafka.Message, 0, len(events))
	for _, ev := range events {
		msgs = append(msgs, EncodeEvent(b.cfg.Topics.Events, ev))
	}
	if err := b.write(ctx, roleEvents, msgs...); err != nil {
		return fmt.Errorf("kafka: publish events: %w", err)
	}
	return nil
}

// DeadLetter copies m to the dead-letter topic with why it was set aside
// and where it came from, so that nothing is lost when a consumer moves on.
func (b *Bus) DeadLetter(ctx context.Context, m kafka.Message, reason error) error {
	headers := append([]kafka.Header(nil), m.Headers...)
	headers = append(headers,
		kafka.Header{Key: "dlq-reason", Value: []byte(reason.Error())},
		kafka.Header{Key: "dlq-topic", Value: []byte(m.Topic)},
		kafka.Header{Key: "dlq-partition", Value: []byte(strconv.Itoa(m.Partition))},
		kafka.Header{Key: "dlq-offset", Value: []byte(strconv.FormatInt(m.Offset, 10))},
		kafka.Header{Key: "dlq-time", Value: []byte(time.Now().UTC().Format(time.RFC3339Nano))},
	)
	dl := kafka.Message{Topic: b.cfg.Topics.DeadLetters, Key: m.Key, Value: m.Value, Headers: headers}
	if err := b.write(ctx, roleDeadLetters, dl); err != nil {
		return fmt.Errorf("kafka: dead-letter %s/%d@%d: %w", m.Topic, m.Partition, m.Offset, err)
	}
	return nil
}

// WriteRaw writes arbitrary messages (tests use it to inject malformed
// commands).
func (b *Bus) WriteRaw(ctx context.Context, msgs ...kafka.Message) error {
	return b.write(ctx, roleRaw, msgs...)
}
