// Package domain holds the language of interestgraph: persons, interests and
// follows; the commands that ask for a change, the events that record one,
// and the decision that turns the first into the second. It imports nothing
// from the rest of the module, so every other package may depend on it.
package domain
