package bus

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// SecurityOptions are the operator's Kafka security settings (KAFKA_TLS,
// KAFKA_TLS_CA_FILE, KAFKA_SASL_*), applied to every Kafka client of the
// process: the writer, the consumer group, readers and the admin client.
type SecurityOptions struct {
	TLS           bool
	TLSCAFile     string // PEM CAs to trust instead of the system's; implies TLS
	SASLMechanism string // "" (none), PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	SASLUsername  string
	SASLPassword  string
}

// SASL mechanism names, as Kafka spells them.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// Security turns the options into what kafka-go needs. Every problem is
// reported at once. PLAIN sends the password as it is: use it over TLS only
// (it is refused without TLS unless the broker is on loopback, as in tests).
func Security(o SecurityOptions) (*tls.Config, sasl.Mechanism, error) {
	var errs []error
	var tc *tls.Config
	if o.TLS || o.TLSCAFile != "" {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
		if o.TLSCAFile != "" {
			pem, err := os.ReadFile(o.TLSCAFile)
			pool := x509.NewCertPool()
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("KAFKA_TLS_CA_FILE: %w", err))
			case !pool.AppendCertsFromPEM(pem):
				errs = append(errs, errors.New("KAFKA_TLS_CA_FILE: no PEM certificate in the file"))
			default:
				tc.RootCAs = pool
			}
		}
	}
	var mech sasl.Mechanism
	if o.SASLMechanism != "" {
		if o.SASLUsername == "" || o.SASLPassword == "" {
			errs = append(errs, errors.New("KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM"))
		}
		var err error
		switch o.SASLMechanism {
		case SASLPlain:
			mech = plain.Mechanism{Username: o.SASLUsername, Password: o.SASLPassword}
		case SASLScramSHA256:
			mech, err = scram.Mechanism(scram.SHA256, o.SASLUsername, o.SASLPassword)
		case SASLScramSHA512:
			mech, err = scram.Mechanism(scram.SHA512, o.SASLUsername, o.SASLPassword)
		default:
			err = fmt.Errorf("KAFKA_SASL_MECHANISM: %q is none of %s, %s, %s", o.SASLMechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
		}
		if err != nil {
			errs = append(errs, err)
		}
	} else if o.SASLUsername != "" || o.SASLPassword != "" {
		errs = append(errs, errors.New("KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return tc, mech, nil
}

// Dialer returns a kafka-go dialer with the configured security, for
// readers and the consumer group.
func (c Config) Dialer() *kafka.Dialer {
	return &kafka.Dialer{Timeout: 10 * time.Second, DualStack: true, TLS: c.TLS, SASLMechanism: c.SASL, DialFunc: c.Dial}
}

// transport returns a kafka-go transport with the configured security, for
// the writer and the admin client.
func (c Config) transport() *kafka.Transport {
	dial := c.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	}
	// Only our topics' metadata: by default a transport asks for every topic
	// of the cluster on each refresh, which on a shared cluster of thousands
	// of partitions costs every client of every process real CPU.
	var topics []string
	for _, t := range []string{c.Topics.Commands, c.Topics.Events, c.Topics.Outcomes, c.Topics.DeadLetters} {
		if t != "" {
			topics = append(topics, t)
		}
	}
	return &kafka.Transport{Dial: dial, TLS: c.TLS, SASL: c.SASL, MetadataTopics: topics}
}
