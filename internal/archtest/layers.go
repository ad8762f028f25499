package archtest

// Layer is one ring of the architecture. Imports point inwards:
// cmd → transport → application → domain, and adapter → application →
// domain. An adapter never imports a transport, nor a transport an adapter.
// A feed joins adapters to each other and to the application (cmd →
// feed → adapter); no production package but cmd imports a feed.
type Layer string

// The layers, innermost first.
const (
	Domain      Layer = "domain"      // commands, events, decisions; imports nothing of ours
	Support     Layer = "support"     // small leaf libraries any layer may use (bounded tables)
	Application Layer = "application" // use cases and the ports they declare
	Adapter     Layer = "adapter"     // Kafka, Neo4j, memory, tokens, identity, hub: implement ports
	Transport   Layer = "transport"   // GraphQL and HTTP: drive the application
	Feed        Layer = "feed"        // Kafka tails that drive the application: the command consumers, the gateway's outcomes and events
	Config      Layer = "config"      // environment variables; read only by the composition root
	TestSupport Layer = "testsupport" // helpers and contract suites imported by tests only
	Root        Layer = "cmd"         // composition roots: may import everything
)

// Packages maps each package of the module, by path relative to the module
// root, to its layer. A path ending in "/..." also covers the packages below
// it; the longest match wins. A package that matches nothing fails the check:
// whoever adds a package decides its layer here.
var Packages = map[string]Layer{
	"internal/domain": Domain,

	"internal/ratelimit": Support,
	// Process settings: only the composition roots call it.
	"internal/gctune": Support,
	// Observability: they import nothing of ours, so any layer may call them.
	"internal/metrics": Support,
	"internal/tracing": Support,

	"internal/app": Application,
	// Who calls: the verified caller and the client's address on the
	// context. The token adapter makes the caller, the transports put it
	// on the context, the application's authorization table reads it.
	"internal/caller": Application,
	// The store contract is the application's port to persistence (its
	// implementations live below it, in memory/ and neo4jstore/).
	"internal/store": Application,
	// Subscription cursors are values the application hands out and reads
	// back (the hub and the resolvers both speak them).
	"internal/cursor": Application,
	// The values of the application's Streams port (topics, messages,
	// options): the hub implements it, the resolvers map its messages.
	"internal/stream": Application,
	// Crypto-shredding: seals and opens the personal fields of events
	// through key-store ports it declares.
	"internal/shred": Application,

	"internal/bus":              Adapter,
	"internal/embedded":         Adapter,
	"internal/store/memory":     Adapter,
	"internal/store/neo4jstore": Adapter,
	"internal/hub":              Adapter,
	"internal/auth":             Adapter,
	"internal/identity":         Adapter,
	// The analytics pack reads the graph through the driver, as analysts do.
	"analytics": Adapter,

	"internal/store/storetest": TestSupport,
	"internal/store/neo4jtest": TestSupport,
	"internal/bus/bustest":     TestSupport,
	"internal/testsupport":     TestSupport,
	// The GraphQL client of the end-to-end tests and the benchmark (bench/
	// imports it from its own module: its path is below this one's).
	"internal/testsupport/gqlclient": TestSupport,
	"internal/deploytest":            TestSupport,
	"internal/archtest":              TestSupport,

	"internal/gateway":  Transport,
	"internal/webapp":   Transport, // serves web's embedded files
	"web":               Transport, // only the embedded build of the web app
	"internal/gqlmodel": Transport,
	"resolvers":         Transport,
	"graph/...":         Transport,

	// The gateway's outcomes and events feeds: they read the topics
	// through internal/bus and feed the application's waiter and the hub,
	// through ports they declare.
	"internal/feeds": Feed,
	// The command consumers: a consumer-group member per process that
	// tails the commands topic (kafka-go), has the graph store decide each
	// batch, and writes events, outcomes and dead letters through
	// internal/bus. Like the gateway's feeds it joins the Kafka adapter to
	// the application, and only cmd wires it.
	"consumers": Feed,

	"internal/config": Config,
	// bench/ is a module of its own (it links plotting libraries the
	// service must not), so `go list` of this module does not list it.
	"cmd/...": Root,
}

// Allowed says which layers each layer may import, itself included only
// where listed: adapters must not know each other, so that each can be
// replaced alone.
var Allowed = map[Layer][]Layer{
	Domain:      {},
	Support:     {},
	Application: {Domain, Support, Application},
	Adapter:     {Domain, Support, Application},
	Transport:   {Domain, Support, Application, Transport},
	Feed:        {Domain, Support, Application, Adapter},
	Config:      {},
	TestSupport: {Domain, Support, Application, Adapter, Feed, TestSupport},
	Root:        {Domain, Support, Application, Adapter, Transport, Feed, Config, Root},
}

// Drivers are third-party packages that only adapters and feeds (and the
// roots and test helpers that wire or clean them) may import: resolvers,
// gateway, application and domain never speak Kafka or Bolt themselves.
var Drivers = []string{
	"github.com/segmentio/kafka-go",
	"github.com/neo4j/neo4j-go-driver",
	"github.com/twmb/franz-go",
	"gonum.org/v1/plot", // the benchmark's charts; never linked into the service
}

// DriverLayers may import Drivers.
var DriverLayers = []Layer{Adapter, Feed, TestSupport, Root}

// Exception is an import that breaks the rules and is allowed for a
// stated reason until the code is changed. Each says why it exists and what
// removes it. An exception that no longer matches any import fails the
// check, so the table cannot go stale.
type Exception struct {
	From, To string // package paths relative to the module, or a Drivers prefix for To
	Why      string
}

// Exceptions are the known violations, recorded rather than refactored:
// none since the application layer's restructuring (issue #10).
var Exceptions = []Exception{}
