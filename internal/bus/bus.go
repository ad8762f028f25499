// Package bus carries commands, events and outcomes over Kafka with
// segmentio/kafka-go. The same code talks to the embedded kfake broker and
// to a real Kafka cluster.
//
// Topics (names are configuration; these are the defaults):
//
//	interestgraph.commands      commands, keyed by actor, consumed by the command-handler group
//	interestgraph.events        CloudEvents (binary mode), keyed by subject, retained forever: the event store
//	interestgraph.outcomes      command outcomes, read by every gateway to answer waiting mutations
//	interestgraph.commands.dlq  malformed or unprocessable commands, with the reason in headers
package bus

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
)

// Topics names the topics.
type Topics struct {
	Commands    string
	Events      string
	Outcomes    string
	DeadLetters string
}

// DefaultTopics returns the default topic names with prefix ("" for none).
func DefaultTopics(prefix string) Topics {
	return Topics{
		Commands:    prefix + "interestgraph.commands",
		Events:      prefix + "interestgraph.events",
		Outcomes:    prefix + "interestgraph.outcomes",
		DeadLetters: prefix + "interestgraph.commands.dlq",
	}
}

// CommandRetention is how long the commands topic keeps a command.
const CommandRetention = 7 * 24 * time.Hour

// Config says how to reach Kafka and how to lay out topics.
type Config struct {
	Brokers           []string
	Topics            Topics
	Partitions        int // partitions of the commands and events topics
	ReplicationFactor int
	// TLS and SASL secure every connection (see Security); nil for a
	// plaintext, unauthenticated cluster such as the embedded broker.
	TLS  *tls.Config
	SASL sasl.Mechanism
	// SendTimeout bounds SendCommands, so that a mutation answers even
	// when Kafka does not (0: DefaultSendTimeout).
	SendTimeout time.Duration
	// Dial, if set, opens every connection to a broker (bootstrap and
	// advertised addresses alike); nil dials directly. Fault-injection
	// tests route Kafka through a proxy with it; it is not configuration.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// DefaultSendTimeout is the default of Config.SendTimeout.
const DefaultSendTimeout = 5 * time.Second

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("kafka: at least one broker is required"))
	}
	if c.Partitions < 1 {
		errs = append(errs, errors.New("kafka: partitions must be at least 1"))
	}
	if c.ReplicationFactor < 1 {
		errs = append(errs, errors.New("kafka: replication factor must be at least 1"))
	}
	t := c.Topics
	if t.Commands == "" || t.Events == "" || t.Outcomes == "" || t.DeadLetters == "" {
		errs = append(errs, errors.New("kafka: every topic needs a name"))
	}
	return errors.Join(errs...)
}

// client returns an admin client on a transport of its own, and the func
// that closes the transport's connections once the caller is done. A
// kafka-go transport keeps its connections, and refreshes the cluster's
// metadata in the background, for as long as they are open: admin calls
// are occasional, so nothing of theirs is left running afterwards.
func (c Config) client() (*kafka.Client, func()) {
	tr := c.transport()
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Timeout: 10 * time.Second, Transport: tr}, tr.CloseIdleConnections
}

// EnsureTopics creates the topics if they do not exist. The broker does not
// create topics on its own (auto-creation is off in the dev stack and should
// be in production), so partitions and retention are ours to set.
func EnsureTopics(ctx context.Context, c Config) error {
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	topics := []kafka.TopicConfig{
		{Topic: c.Topics.Commands, NumPartitions: c.Partitions, ReplicationFactor: c.ReplicationFactor,
			ConfigEntries: []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: ms(CommandRetention)}}},
		{Topic: c.Topics.Events, NumPartitions: c.Partitions, ReplicationFactor: c.ReplicationFactor,
			ConfigEntries: []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: "-1"}, {ConfigName: "retention.bytes", ConfigValue: "-1"}}},
		{Topic: c.Topics.Outcomes, NumPartitions: c.Partitions, ReplicationFactor: c.ReplicationFactor,
			ConfigEntries: []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: ms(time.Hour)}}},
		{Topic: c.Topics.DeadLetters, NumPartitions: 1, ReplicationFactor: c.ReplicationFactor,
			ConfigEntries: []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: ms(30 * 24 * time.Hour)}}},
	}
	cl, done := c.client()
	defer done()
	res, err := cl.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: topics})
	if err != nil {
		return fmt.Errorf("kafka: create topics: %w", err)
	}
	for name, terr := range res.Errors {
		if terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
			return fmt.Errorf("kafka: create topic %s: %w", name, terr)
		}
	}
	return waitForLeaders(ctx, c, c.Topics.Commands, c.Topics.Events, c.Topics.Outcomes, c.Topics.DeadLetters)
}

// waitForLeaders returns once every partition of topics has a leader that
// answers offset requests: a new topic's partitions briefly have none, and
// a real broker then answers "not leader for partition".
func waitForLeaders(ctx context.Context, c Config, topics ...string) error {
	for {
		err := func() error {
			parts, err := partitions(ctx, c, topics...)
			if err != nil {
				return err
			}
			for _, t := range topics {
				if _, err := offsets(ctx, c, t, parts[t]); err != nil {
					return err
				}
			}
			return nil
		}()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kafka: topics not ready: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Ready checks that the brokers answer and the topics exist.
func Ready(ctx context.Context, c Config) error {
	_, err := partitions(ctx, c, c.Topics.Commands, c.Topics.Events, c.Topics.Outcomes, c.Topics.DeadLetters)
	return err
}

// partitions returns the partition ids of each topic.
func partitions(ctx context.Context, c Config, topics ...string) (map[string][]int, error) {
	cl, done := c.client()
	defer done()
	md, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return nil, fmt.Errorf("kafka: metadata: %w", err)
	}
	out := map[string][]int{}
	for _, t := range md.Topics {
		if t.Error != nil {
			return nil, fmt.Errorf("kafka: topic %s: %w", t.Name, t.Error)
		}
		for _, p := range t.Partitions {
			out[t.Name] = append(out[t.Name], p.ID)
		}
	}
	for _, t := range topics {
		if len(out[t]) == 0 {
			return nil, fmt.Errorf("kafka: topic %s has no partitions", t)
		}
	}
	return out, nil
}

// offsets returns the first and next offsets of every partition of topic.
func offsets(ctx context.Context, c Config, topic string, parts []int) (map[int][2]int64, error) {
	reqs := make([]kafka.OffsetRequest, 0, 2*len(parts))
	for _, p := range parts {
		reqs = append(reqs, kafka.FirstOffsetOf(p), kafka.LastOffsetOf(p))
	}
	cl, done := c.client()
	defer done()
	res, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("kafka: list offsets of %s: %w", topic, err)
	}
	out := map[int][2]int64{}
	for _, po := range res.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("kafka: offsets of %s/%d: %w", topic, po.Partition, po.Error)
		}
		out[po.Partition] = [2]int64{po.FirstOffset, po.LastOffset}
	}
	return out, nil
}
