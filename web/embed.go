// Package web holds the built web app and GraphiQL playground (dist/,
// produced by `make web` from the TypeScript sources beside it and
// committed), so the Go binary serves them with nothing but Go.
package web

import "embed"

// Dist is the output of `npm run build`: index.html (the app),
// playground.html (GraphiQL) and assets/ (content-hashed file names).
//
//go:embed dist
var Dist embed.FS
