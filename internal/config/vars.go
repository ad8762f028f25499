package config

import "slices"

// Var documents one environment variable. The command line's help is
// generated from Vars, and a test checks that every variable in EnvNames
// is here and that each documented Default is what parse really uses.
type Var struct {
	Name     string
	Default  string   // as it would be written in the environment; "" when unset means none (Doc says what then)
	Doc      string   // one line
	Commands []string // the subcommands that read it
}

// Subcommand groups, by what each part of the service reads.
var (
	allCmds     = []string{"serve", "gateway", "consumer", "rebuild", "auth", "analytics"}
	kafkaCmds   = []string{"serve", "gateway", "consumer", "rebuild"}
	graphCmds   = []string{"serve", "gateway", "consumer", "rebuild", "auth", "analytics"}
	gatewayCmds = []string{"serve", "gateway"}
	authCmds    = []string{"serve", "gateway", "auth"}
	groupCmds   = []string{"serve", "gateway", "consumer"}
	metricsCmds = []string{"serve", "gateway", "consumer", "auth"}
)

// Vars documents every variable of EnvNames.
var Vars = []Var{
	{"HTTP_ADDR", "127.0.0.1:8080", "where the GraphQL gateway listens (a consumer alone: where it serves /metrics)", groupCmds},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTLP/HTTP endpoint of a trace collector; unset: tracing off (other OTEL_* variables: docs/OPERATIONS.md)", metricsCmds},
	{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "", "OTLP/HTTP endpoint for traces only; also turns tracing on", metricsCmds},
	{"METRICS_ADDR", "", "a separate listener for Prometheus /metrics; unset: /metrics on the process's own listener", metricsCmds},
	{"KAFKA_BROKERS", "", "comma-separated Kafka brokers; unset: the embedded in-process broker (serve only)", kafkaCmds},
	{"KAFKA_TOPIC_PREFIX", "", "prefix of every topic name, to share a cluster", kafkaCmds},
	{"KAFKA_PARTITIONS", "6", "partitions of topics this service creates (1-1000)", kafkaCmds},
	{"KAFKA_REPLICATION_FACTOR", "1", "replication factor of topics this service creates", kafkaCmds},
	{"KAFKA_CONSUMER_GROUP", "interestgraph-command-handlers", "the command consumers' group; renaming it re-reads every retained command", groupCmds},
	{"KAFKA_SESSION_TIMEOUT", "10s", "how soon the group gives a dead consumer's partitions to another (6s-5m)", groupCmds},
	{"NEO4J_URI", "", "e.g. bolt://127.0.0.1:7687; unset: the in-memory store (serve only)", graphCmds},
	{"NEO4J_USER", "neo4j", "Neo4j user", graphCmds},
	{"NEO4J_PASSWORD", "", "Neo4j password; required with NEO4J_URI", graphCmds},
	{"NEO4J_DATABASE", "", "Neo4j database; unset: the server's default", graphCmds},
	{"JWT_PRIVATE_KEY_FILE", "", "PKCS#8 PEM Ed25519 key signing access tokens; unset: a new key per run", authCmds},
	{"JWT_PREVIOUS_KEY_FILES", "", "comma-separated rotated-out keys that still verify", authCmds},
	{"JWT_ISSUER", "interestgraph", "iss of issued tokens, required on verification", authCmds},
	{"JWT_AUDIENCE", "interestgraph-api", "aud of issued tokens, required on verification", authCmds},
	{"ACCESS_TOKEN_TTL", "15m", "access token lifetime (1m-24h)", authCmds},
	{"REFRESH_TOKEN_TTL", "720h", "refresh token lifetime (1h-8760h)", authCmds},
	{"OIDC_CLIENT_ID", "interestgraph-web", "aud of the ID tokens this service issues", authCmds},
	{"OIDC_PROVIDERS", "", "external identity providers: comma-separated name|issuer|jwks-url|client-id", authCmds},
	{"OIDC_GOOGLE_CLIENT_ID", "", "shortcut: adds provider google with this client id", authCmds},
	{"OPAQUE_TOKENS", "false", "clients get opaque reference tokens (phantom tokens)", authCmds},
	{"AUTH_URL", "", "base URL of an auth component running alone; unset: in-process", gatewayCmds},
	{"AUTH_HTTP_ADDR", "127.0.0.1:8081", "where `interestgraph auth` listens", []string{"auth"}},
	{"AUTH_SHARED_SECRET", "", "the gateways' credential at the auth component (16+ characters)", authCmds},
	{"SIGNUPS_PER_MINUTE", "10", "registrations per client address per minute", authCmds},
	{"ADMIN_EMAILS", "", "emails that get the admin role when an identity provider verified them", authCmds},
	{"WELCOME_COINS", "100", "coins minted for every new person (0-1000000)", authCmds},
	{"COMMAND_WAIT_TIMEOUT", "5s", "how long a mutation waits for its outcome before answering ACCEPTED (0s-1m)", gatewayCmds},
	{"GRAPHQL_INTROSPECTION", "true", "schema introspection (the playground needs it)", gatewayCmds},
	{"GRAPHQL_DIRECT_ANSWERS", "true", "person/me queries answered from their compiled read, without gqlgen's field-by-field execution; false: everything by gqlgen", gatewayCmds},
	{"GRAPHQL_MAX_DEPTH", "12", "deepest selection allowed (2+)", gatewayCmds},
	{"GRAPHQL_MAX_COMPLEXITY", "5000", "cost limit; list fields cost their page size times their children (10+)", gatewayCmds},
	{"CORS_ALLOWED_ORIGINS", "", "browser origins (scheme://host[:port], or *) whose pages may call the API", gatewayCmds},
	{"WS_ALLOWED_ORIGINS", "", "browser origins allowed to open WebSockets; unset: CORS_ALLOWED_ORIGINS", gatewayCmds},
	{"LOG_LEVEL", "info", "debug, info, warn or error", allCmds},
	{"LOG_FORMAT", "text", "text or json", allCmds},
	{"KAFKA_TLS", "false", "TLS to the brokers (system CAs unless KAFKA_TLS_CA_FILE)", kafkaCmds},
	{"KAFKA_TLS_CA_FILE", "", "PEM file of the CAs that sign the brokers' certificates; implies KAFKA_TLS", kafkaCmds},
	{"KAFKA_SASL_MECHANISM", "", "PLAIN (over TLS only, except on loopback), SCRAM-SHA-256 or SCRAM-SHA-512", kafkaCmds},
	{"KAFKA_SASL_USERNAME", "", "required with KAFKA_SASL_MECHANISM", kafkaCmds},
	{"KAFKA_SASL_PASSWORD", "", "required with KAFKA_SASL_MECHANISM; never logged", kafkaCmds},
	{"KAFKA_SEND_TIMEOUT", "5s", "how long a mutation waits for Kafka to take its command before UNAVAILABLE (100ms-1m)", gatewayCmds},
	{"MUTATIONS_PER_MINUTE", "120", "commands one person may send per minute (burst twice that); 0 lifts the limit", gatewayCmds},
	{"WS_MAX_SUBSCRIPTIONS", "50", "active subscriptions per WebSocket; more get SUBSCRIPTION_LIMIT", gatewayCmds},
	{"WS_MAX_CONNECTIONS_PER_ADDRESS", "1000", "WebSockets per client address; more are refused with HTTP 429", gatewayCmds},
	{"WS_MAX_CONNECTIONS", "10000", "WebSockets per gateway process", gatewayCmds},
	{"WS_WRITE_TIMEOUT", "10s", "a client slower than this to accept a message is disconnected", gatewayCmds},
	{"WS_IDLE_TIMEOUT", "2m", "a legacy graphql-ws socket idle this long is closed", gatewayCmds},
	{"NOTIFICATION_RETENTION", "2160h", "inbox entries older than this are hidden and dropped (1h-87600h)", graphCmds},
}

// VarsFor returns the variables cmd reads, in Vars order.
func VarsFor(cmd string) []Var {
	var out []Var
	for _, v := range Vars {
		if slices.Contains(v.Commands, cmd) {
			out = append(out, v)
		}
	}
	return out
}
