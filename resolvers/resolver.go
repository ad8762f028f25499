// Package resolvers holds the GraphQL resolvers: thin adapters that
// authorize, call the application (a command or a query) and map the answer
// to the GraphQL model. Helpers live in other files than *.resolvers.go,
// which gqlgen regenerates.
package resolvers

import (
	"log/slog"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/hub"
)

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	App *app.App
	Hub *hub.Hub
	Log *slog.Logger
}
