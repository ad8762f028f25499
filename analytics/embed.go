// Package analytics is the Cypher analytics pack: one read-only .cypher
// file per question, embedded in the binary. Each file starts with a
// header comment that says what it answers, its parameters (with types,
// defaults and bounds) and its cost; the parameters are validated here and
// passed to Neo4j as query parameters, never spliced into the text.
package analytics

import "embed"

//go:embed *.cypher
var files embed.FS
