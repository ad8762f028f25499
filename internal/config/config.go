// Package config reads the service's configuration from the environment,
// in one place, with defaults and validation. The variable names are part
// of the operator contract (README, docker-compose.yml): never rename one.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"
)

// Config is the whole configuration.
type Config struct {
	HTTPAddr    string
	MetricsAddr string // a separate listener for /metrics; "" serves it on the process's HTTP listener
	// Tracing: an OTLP endpoint is configured. The exporter reads the
	// OTEL_* variables itself; this only decides whether it is made.
	Tracing bool

	KafkaBrokers           []string // empty: the embedded broker
	KafkaTopicPrefix       string
	KafkaPartitions        int
	KafkaReplicationFactor int
	ConsumerGroup          string
	KafkaSessionTimeout    time.Duration
	KafkaTLS               bool   // TLS to the brokers (implied by KafkaTLSCAFile)
	KafkaTLSCAFile         string // PEM CAs to trust instead of the system's
	KafkaSASLMechanism     string // "", PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
	KafkaSASLUsername      string
	KafkaSASLPassword      string
	KafkaSendTimeout       time.Duration // bounds putting a command on Kafka at mutation time

	Neo4jURI      string // empty: the in-memory store
	Neo4jUser     string
	Neo4jPassword string
	Neo4jDatabase string

	JWTPrivateKeyFile   string
	JWTPreviousKeyFiles []string
	OIDCClientID        string
	RefreshTokenTTL     time.Duration
	OIDCProviders       []string // name|issuer|jwks-url|client-id
	OpaqueTokens        bool     // phantom tokens: clients get references
	AuthURL             string   // the auth component's base URL; "" runs it in-process
	AuthHTTPAddr        string   // where `interestgraph auth` listens
	AuthSharedSecret    string   // gateways authenticate to the auth component with it
	SignupsPerMinute    int      // registrations per client address
	MutationsPerMinute  int      // commands per person (burst twice that); 0 lifts the limit
	JWTIssuer           string
	JWTAudience         string
	AccessTokenTTL      time.Duration

	CommandWaitTimeout time.Duration
	Introspection      bool
	DirectAnswers      bool // person/me queries written from their compiled read, without gqlgen's field execution
	MaxQueryDepth      int
	MaxQueryComplexity int
	CORSAllowedOrigins []string      // browser origins (scheme://host[:port], or *) that may call the API
	WSAllowedOrigins   []string      // defaults to CORSAllowedOrigins
	WSMaxSubscriptions int           // active operations per WebSocket
	WSMaxConnsPerAddr  int           // WebSockets per client address
	WSMaxConns         int           // WebSockets per gateway
	WSWriteTimeout     time.Duration // a slower write disconnects the client
	WSIdleTimeout      time.Duration // legacy graphql-ws sockets without operations
	WelcomeCoins       int64
	AdminEmails        []string

	// NotificationRetention: inbox entries older than this are not shown
	// and are dropped when newer ones arrive.
	NotificationRetention time.Duration

	LogLevel  slog.Level
	LogFormat string // text or json
}

// EnvNames lists every variable the service reads, for documentation
// checks (the README and docker-compose.yml are tested against it).
var EnvNames = []string{
	"HTTP_ADDR", "KAFKA_BROKERS", "KAFKA_TOPIC_PREFIX", "KAFKA_PARTITIONS", "KAFKA_REPLICATION_FACTOR",
	"KAFKA_CONSUMER_GROUP", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE",
	"JWT_PRIVATE_KEY_FILE", "JWT_ISSUER", "JWT_AUDIENCE", "ACCESS_TOKEN_TTL", "COMMAND_WAIT_TIMEOUT",
	"GRAPHQL_INTROSPECTION", "GRAPHQL_DIRECT_ANSWERS", "GRAPHQL_MAX_DEPTH", "GRAPHQL_MAX_COMPLEXITY", "WS_ALLOWED_ORIGINS",
	"LOG_LEVEL", "LOG_FORMAT", "WELCOME_COINS", "ADMIN_EMAILS", "KAFKA_SESSION_TIMEOUT",
	"JWT_PREVIOUS_KEY_FILES", "OIDC_CLIENT_ID", "REFRESH_TOKEN_TTL", "OIDC_PROVIDERS", "OIDC_GOOGLE_CLIENT_ID",
	"OPAQUE_TOKENS", "AUTH_URL", "AUTH_HTTP_ADDR", "AUTH_SHARED_SECRET", "SIGNUPS_PER_MINUTE",
	"KAFKA_TLS", "KAFKA_TLS_CA_FILE", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD",
	"MUTATIONS_PER_MINUTE",
	"WS_MAX_SUBSCRIPTIONS", "WS_MAX_CONNECTIONS_PER_ADDRESS", "WS_MAX_CONNECTIONS", "WS_WRITE_TIMEOUT", "WS_IDLE_TIMEOUT",
	"KAFKA_SEND_TIMEOUT",
	"CORS_ALLOWED_ORIGINS",
	"METRICS_ADDR", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	"NOTIFICATION_RETENTION",
}

// Embedded reports whether any part runs in-process instead of on a server.
func (c Config) Embedded() bool { return len(c.KafkaBrokers) == 0 || c.Neo4jURI == "" }

// FromEnv reads the configuration; every problem is reported at once.
func FromEnv() (Config, error) { return parse(os.Getenv) }

func parse(get func(string) string) (Config, error) {
	e := &envReader{get: get}
	str, num, dur, boolean, list := e.str, e.num, e.dur, e.boolean, e.list
	c := Config{
		HTTPAddr:               str("HTTP_ADDR", "127.0.0.1:8080"),
		MetricsAddr:            str("METRICS_ADDR", ""),
		Tracing:                str("OTEL_EXPORTER_OTLP_ENDPOINT", "") != "" || str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "") != "",
		KafkaBrokers:           list("KAFKA_BROKERS"),
		KafkaTopicPrefix:       str("KAFKA_TOPIC_PREFIX", ""),
		KafkaPartitions:        num("KAFKA_PARTITIONS", 6),
		KafkaReplicationFactor: num("KAFKA_REPLICATION_FACTOR", 1),
		ConsumerGroup:          str("KAFKA_CONSUMER_GROUP", "interestgraph-command-handlers"),
		KafkaSessionTimeout:    dur("KAFKA_SESSION_TIMEOUT", 10*time.Second),
		KafkaTLS:               boolean("KAFKA_TLS", false),
		KafkaTLSCAFile:         str("KAFKA_TLS_CA_FILE", ""),
		KafkaSASLMechanism:     strings.ToUpper(str("KAFKA_SASL_MECHANISM", "")),
		KafkaSASLUsername:      str("KAFKA_SASL_USERNAME", ""),
		KafkaSASLPassword:      get("KAFKA_SASL_PASSWORD"),
		KafkaSendTimeout:       dur("KAFKA_SEND_TIMEOUT", 5*time.Second),
		Neo4jURI:               str("NEO4J_URI", ""),
		Neo4jUser:              str("NEO4J_USER", "neo4j"),
		Neo4jPassword:          get("NEO4J_PASSWORD"),
		Neo4jDatabase:          str("NEO4J_DATABASE", ""),
		JWTPrivateKeyFile:      str("JWT_PRIVATE_KEY_FILE", ""),
		JWTPreviousKeyFiles:    list("JWT_PREVIOUS_KEY_FILES"),
		OIDCClientID:           str("OIDC_CLIENT_ID", "interestgraph-web"),
		RefreshTokenTTL:        dur("REFRESH_TOKEN_TTL", 30*24*time.Hour),
		OIDCProviders:          providers(list("OIDC_PROVIDERS"), get("OIDC_GOOGLE_CLIENT_ID")),
		OpaqueTokens:           boolean("OPAQUE_TOKENS", false),
		AuthURL:                strings.TrimRight(str("AUTH_URL", ""), "/"),
		AuthHTTPAddr:           str("AUTH_HTTP_ADDR", "127.0.0.1:8081"),
		AuthSharedSecret:       get("AUTH_SHARED_SECRET"),
		SignupsPerMinute:       num("SIGNUPS_PER_MINUTE", 10),
		MutationsPerMinute:     num("MUTATIONS_PER_MINUTE", 120),
		JWTIssuer:              str("JWT_ISSUER", "interestgraph"),
		JWTAudience:            str("JWT_AUDIENCE", "interestgraph-api"),
		AccessTokenTTL:         dur("ACCESS_TOKEN_TTL", 15*time.Minute),
		CommandWaitTimeout:     dur("COMMAND_WAIT_TIMEOUT", 5*time.Second),
		NotificationRetention:  dur("NOTIFICATION_RETENTION", 90*24*time.Hour),
		Introspection:          boolean("GRAPHQL_INTROSPECTION", true),
		DirectAnswers:          boolean("GRAPHQL_DIRECT_ANSWERS", true),
		MaxQueryDepth:          num("GRAPHQL_MAX_DEPTH", 12),
		MaxQueryComplexity:     num("GRAPHQL_MAX_COMPLEXITY", 5000),
		CORSAllowedOrigins:     list("CORS_ALLOWED_ORIGINS"),
		WSAllowedOrigins:       list("WS_ALLOWED_ORIGINS"),
		WSMaxSubscriptions:     num("WS_MAX_SUBSCRIPTIONS", 50),
		WSMaxConnsPerAddr:      num("WS_MAX_CONNECTIONS_PER_ADDRESS", 1000),
		WSMaxConns:             num("WS_MAX_CONNECTIONS", 10_000),
		WSWriteTimeout:         dur("WS_WRITE_TIMEOUT", 10*time.Second),
		WSIdleTimeout:          dur("WS_IDLE_TIMEOUT", 2*time.Minute),
		WelcomeCoins:           int64(num("WELCOME_COINS", 100)),
		AdminEmails:            lower(list("ADMIN_EMAILS")),
		LogFormat:              str("LOG_FORMAT", "text"),
	}
	if len(c.WSAllowedOrigins) == 0 {
		// A page allowed to call the API may subscribe too.
		c.WSAllowedOrigins = c.CORSAllowedOrigins
	}
	if lvl := str("LOG_LEVEL", "info"); c.LogLevel.UnmarshalText([]byte(lvl)) != nil {
		e.errs = append(e.errs, fmt.Errorf("LOG_LEVEL: %q is not a level (debug, info, warn, error)", lvl))
	}
	errs := append(e.errs, withoutRepeats(e.errs, c.validate())...)
	return c, errors.Join(errs...)
}

// withoutRepeats drops range errors about variables that already failed to
// parse: "not a whole number" says it all, "must be 1–1000" after it would
// report one mistake twice. Every message starts with its variable's name.
func withoutRepeats(parseErrs, rangeErrs []error) []error {
	var out []error
	for _, r := range rangeErrs {
		repeat := false
		for _, p := range parseErrs {
			name, _, _ := strings.Cut(p.Error(), ":")
			repeat = repeat || strings.HasPrefix(r.Error(), name+" ")
		}
		if !repeat {
			out = append(out, r)
		}
	}
	return out
}

func (c Config) validate() []error {
	var errs []error
	if c.KafkaPartitions < 1 || c.KafkaPartitions > 1000 {
		errs = append(errs, errors.New("KAFKA_PARTITIONS must be 1–1000"))
	}
	if c.KafkaReplicationFactor < 1 {
		errs = append(errs, errors.New("KAFKA_REPLICATION_FACTOR must be at least 1"))
	}
	if c.AccessTokenTTL < time.Minute || c.AccessTokenTTL > 24*time.Hour {
		errs = append(errs, errors.New("ACCESS_TOKEN_TTL must be between 1m and 24h"))
	}
	if c.RefreshTokenTTL < time.Hour || c.RefreshTokenTTL > 365*24*time.Hour {
		errs = append(errs, errors.New("REFRESH_TOKEN_TTL must be between 1h and 8760h"))
	}
	if c.CommandWaitTimeout < 0 || c.CommandWaitTimeout > time.Minute {
		errs = append(errs, errors.New("COMMAND_WAIT_TIMEOUT must be between 0s and 1m"))
	}
	if c.NotificationRetention < time.Hour || c.NotificationRetention > 3650*24*time.Hour {
		errs = append(errs, errors.New("NOTIFICATION_RETENTION must be between 1h and 87600h"))
	}
	if c.MaxQueryDepth < 2 {
		errs = append(errs, errors.New("GRAPHQL_MAX_DEPTH must be at least 2"))
	}
	if c.MaxQueryComplexity < 10 {
		errs = append(errs, errors.New("GRAPHQL_MAX_COMPLEXITY must be at least 10"))
	}
	if c.WelcomeCoins < 0 || c.WelcomeCoins > 1_000_000 {
		errs = append(errs, errors.New("WELCOME_COINS must be 0–1000000"))
	}
	if c.KafkaSessionTimeout < 6*time.Second || c.KafkaSessionTimeout > 5*time.Minute {
		errs = append(errs, errors.New("KAFKA_SESSION_TIMEOUT must be between 6s and 5m (the broker's group limits)"))
	}
	if c.MutationsPerMinute < 0 || c.MutationsPerMinute > 1_000_000 {
		errs = append(errs, errors.New("MUTATIONS_PER_MINUTE must be 0 (no limit) to 1000000"))
	}
	errs = append(errs, c.validateWS()...)
	if c.KafkaSendTimeout < 100*time.Millisecond || c.KafkaSendTimeout > time.Minute {
		errs = append(errs, errors.New("KAFKA_SEND_TIMEOUT must be between 100ms and 1m"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, errors.New("LOG_FORMAT must be text or json"))
	}
	if c.AuthURL != "" && len(c.AuthSharedSecret) < 16 {
		errs = append(errs, errors.New("AUTH_SHARED_SECRET (16+ characters) is required with AUTH_URL"))
	}
	switch c.KafkaSASLMechanism {
	case "", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
	default:
		errs = append(errs, errors.New("KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"))
	}
	if (c.KafkaSASLMechanism != "") != (c.KafkaSASLUsername != "" && c.KafkaSASLPassword != "") {
		errs = append(errs, errors.New("KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together: set all three or none"))
	}
	if c.KafkaSASLMechanism == "PLAIN" && !c.KafkaTLS && c.KafkaTLSCAFile == "" && !loopbackOnly(c.KafkaBrokers) {
		errs = append(errs, errors.New("KAFKA_SASL_MECHANISM=PLAIN sends the password in clear: set KAFKA_TLS=true (or use SCRAM)"))
	}
	if (c.KafkaTLS || c.KafkaSASLMechanism != "") && len(c.KafkaBrokers) == 0 {
		errs = append(errs, errors.New("KAFKA_TLS and KAFKA_SASL_* need KAFKA_BROKERS (the embedded broker has no security)"))
	}
	for _, o := range c.CORSAllowedOrigins {
		if !validOrigin(o) {
			errs = append(errs, fmt.Errorf("CORS_ALLOWED_ORIGINS: %q is not an origin: write scheme://host[:port] (e.g. http://localhost:5173), or *", o))
		}
	}
	if c.Neo4jURI != "" && c.Neo4jPassword == "" {
		errs = append(errs, errors.New("NEO4J_PASSWORD is required with NEO4J_URI"))
	}
	return errs
}

func (c Config) validateWS() []error {
	var errs []error
	if c.WSMaxSubscriptions < 1 || c.WSMaxSubscriptions > 10_000 {
		errs = append(errs, errors.New("WS_MAX_SUBSCRIPTIONS must be 1–10000"))
	}
	if c.WSMaxConns < 1 || c.WSMaxConns > 1_000_000 {
		errs = append(errs, errors.New("WS_MAX_CONNECTIONS must be 1–1000000"))
	}
	if c.WSMaxConnsPerAddr < 1 || c.WSMaxConnsPerAddr > c.WSMaxConns {
		errs = append(errs, errors.New("WS_MAX_CONNECTIONS_PER_ADDRESS must be 1–WS_MAX_CONNECTIONS"))
	}
	if c.WSWriteTimeout < time.Second || c.WSWriteTimeout > 5*time.Minute {
		errs = append(errs, errors.New("WS_WRITE_TIMEOUT must be between 1s and 5m"))
	}
	if c.WSIdleTimeout < 10*time.Second || c.WSIdleTimeout > 24*time.Hour {
		errs = append(errs, errors.New("WS_IDLE_TIMEOUT must be between 10s and 24h"))
	}
	return errs
}

// Logger returns the structured logger the configuration asks for.
func (c Config) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// loopbackOnly reports whether every broker address is on this machine.
func loopbackOnly(brokers []string) bool {
	for _, b := range brokers {
		host := b
		if h, _, err := net.SplitHostPort(b); err == nil {
			host = h
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return false
		}
	}
	return len(brokers) > 0
}

// validOrigin accepts what a browser sends as Origin (scheme and host, no
// path), with * wildcards as github.com/rs/cors understands them.
func validOrigin(o string) bool {
	if o == "*" {
		return true
	}
	scheme, host, ok := strings.Cut(o, "://")
	return ok && (scheme == "http" || scheme == "https") && host != "" && !strings.ContainsAny(host, "/?#@ ")
}

func lower(in []string) []string {
	for i := range in {
		in[i] = strings.ToLower(in[i])
	}
	return in
}

// Google's published issuer and key set, for the OIDC_GOOGLE_CLIENT_ID
// shortcut.
const (
	googleIssuer = "https://accounts.google.com"
	googleJWKS   = "https://www.googleapis.com/oauth2/v3/certs"
)

func providers(specs []string, googleClientID string) []string {
	if googleClientID = strings.TrimSpace(googleClientID); googleClientID != "" {
		specs = append(specs, "google|"+googleIssuer+"|"+googleJWKS+"|"+googleClientID)
	}
	return specs
}
