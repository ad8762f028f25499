// Package feeds is the gateway's side of the outcomes and events topics.
//
// The outcomes feed (Outcomes) tails the outcomes topic: each outcome's
// bookmarks go to the store first (so the caller's next read sees the
// write), then the outcome answers the mutations waiting for it.
//
// The events feed (Events) tails the events topic: each event is noted
// if it is a deletion, its sealed personal fields are opened, and it is
// published to the subscription hub at its position in the event store.
// The same topic, read by range, is the hub's Source for resumed
// subscriptions, and at start the feed reads the recent deletions back
// from it, so that a gateway started after a deletion refuses that
// person's unexpired tokens too.
//
// Both tails are positioned when their constructors return, before the
// gateway serves, so no outcome of a command it sends can slip past them.
// What the feeds need of the rest of the gateway is declared here as
// small interfaces (ports.go); internal/bus does the Kafka and the
// decoding.
package feeds
