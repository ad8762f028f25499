// Package resolvers holds the GraphQL resolvers: thin adapters that map
// the GraphQL arguments to a handler of the application (App.Commands or
// App.Queries), and its answer to the GraphQL model. They decide nothing
// about who may do or see what: the application does (app.MaySee for the
// private fields). Helpers live in other files than *.resolvers.go, which
// gqlgen regenerates.
package resolvers

import (
	"log/slog"

	"github.com/interestgraph/interestgraph/internal/app"
)

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	App *app.Application // the only way to the use cases, the read model and the subscriptions
	Log *slog.Logger
	// events shares the reads of an event's persons among its
	// subscribers (eventreads.go).
	events eventReads
}
