package main

import (
	"context"
	"fmt"
	"time"
)

// SmallFollowers is the follower count of the person a celebrity's page
// of followers is compared with.
const SmallFollowers = 100

// Subjects of the followers-page reads.
const (
	subjectCelebrity = "celebrity"
	subjectSmall     = "small"
)

// celebrityIndex numbers the two subjects and their followers past any
// person of the graph, so their ids carry the run's tag (and go with it).
const celebrityIndex = 1 << 30

// loadCelebrities adds a person with cfg.CelebrityFollowers followers and
// one with SmallFollowers, each follower a person of their own who follows
// nobody else; follows are a second apart, so every order is strict and
// the contestants' pages can be compared.
func (r *runner) loadCelebrities(ctx context.Context) error {
	big, small := bulkID(r.tag, celebrityIndex), bulkID(r.tag, celebrityIndex+1)
	r.celebrities = map[string]string{subjectCelebrity: big, subjectSmall: small}
	n := r.cfg.CelebrityFollowers
	persons := []map[string]any{
		{"id": big, "name": "Celebrity", "email": "celebrity@bench.example", "at": epoch},
		{"id": small, "name": "Not yet famous", "email": "small@bench.example", "at": epoch},
	}
	var follows []map[string]any
	for i := range n + SmallFollowers {
		id, to := bulkID(r.tag, celebrityIndex+2+i), big
		if i >= n {
			to = small
		}
		persons = append(persons, map[string]any{"id": id, "name": fmt.Sprintf("Fan %07d", i),
			"email": fmt.Sprintf("fan%d@bench.example", i), "at": epoch})
		follows = append(follows, map[string]any{"a": id, "b": to, "at": epoch.Add(time.Duration(i) * time.Second)})
	}
	start := time.Now()
	if _, _, err := r.neo.batched(ctx, loadPersons, persons, loadBatch, loadWorkers); err != nil {
		return fmt.Errorf("celebrities: %w", err)
	}
	if _, _, err := r.neo.batched(ctx, loadFollows, follows, loadBatch, 1); err != nil {
		return fmt.Errorf("celebrities' followers: %w", err)
	}
	r.logf("  celebrities: %d and %d followers in %.1fs", n, SmallFollowers, time.Since(start).Seconds())
	return nil
}

// followersPage reads the first page of a person's followers, newest
// first, the same way for every contestant.
func followersPage(name, subject string) readQuery {
	return readQuery{name: name, subject: subject,
		ours: `query($id: ID!) { person(id: $id) { id name followers(first: 20) { edges { node { id name } } } } }`,
		peer: `query($id: ID!) { people(where: {id: {eq: $id}}) { id name followersConnection(first: 20, sort: [{edge: {since: DESC}}]) { edges { node { id name } } } } }`,
		floor: `MATCH (p:Person {id: $id})
CALL { WITH p MATCH (f:Person)-[e:FOLLOWS]->(p) WITH f, e ORDER BY e.since DESC LIMIT 20 RETURN collect(f {.id, .name}) AS followers }
RETURN p.id AS id, p.name AS name, followers`}
}
