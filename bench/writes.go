package main

import (
	"context"
	"fmt"
	"time"

	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

// stageWrites measures the write path: our mutations waiting for APPLIED
// and the peer's equivalent mutations at every WriteConcurrency level, then
// fire-and-forget; every run starts from the same graph (the run's new
// edges are wiped after it).
func (r *runner) stageWrites(ctx context.Context) error {
	type sender = func(context.Context, int, bool, string) error
	contestants := map[string]sender{"ours": func(ctx context.Context, w int, follow bool, arg string) error {
		rc, err := ourMutation(ctx, r.ours.url, r.clients[w], false, follow, arg)
		if err == nil && rc.Status != "APPLIED" {
			err = fmt.Errorf("%s after COMMAND_WAIT_TIMEOUT", rc.Status)
		}
		return err
	}}
	order := []string{"ours"}
	notes := map[string]string{
		"ours": "waits for APPLIED: Kafka, consumer, Neo4j transaction, outcome back",
		"peer": "updatePeople with a nested connect; answers after its transaction commits",
	}
	if r.peer != nil {
		contestants["peer"] = func(ctx context.Context, w int, follow bool, arg string) error {
			return peerMutation(ctx, r.peer.url, r.clients[w].ID, follow, arg)
		}
		order = append(order, "peer")
	}
	for _, who := range order { // warm-up at the highest concurrency, wiped like a measured run
		if _, err := r.writeRun(ctx, maxInt(r.cfg.WriteConcurrency), r.cfg.Warmup, contestants[who]); err != nil {
			return err
		}
	}
	for _, conc := range r.cfg.WriteConcurrency {
		runs := map[string][]Sample{}
		for range r.cfg.Repeats { // contestants take turns within each repeat
			for _, who := range order {
				s, err := r.writeRun(ctx, conc, r.cfg.Duration, contestants[who])
				if err != nil {
					return err
				}
				runs[who] = append(runs[who], s)
			}
		}
		for _, who := range order {
			if err := r.addWrite(summarize("writes", "follow/addInterest", who, "mutations", conc, runs[who]), notes[who]); err != nil {
				return err
			}
		}
	}
	if err := r.asyncWrites(ctx); err != nil {
		return err
	}
	if r.peer != nil {
		return r.peerCreates(ctx)
	}
	return nil
}

func (r *runner) addWrite(res Result, note string) error {
	if err := tooManyErrors(res); err != nil {
		return err
	}
	r.rep.add(res, note)
	r.logf("  %-20s %-5s c=%-3d %7.0f/s  p50 %6.1f ms  p99 %6.1f ms", res.Name, res.Contestant, res.Concurrency,
		res.Throughput.Median, res.P50ms.Median, res.P99ms.Median)
	return nil
}

// writeRun runs one closed-loop write load: worker w acts as client w,
// alternating follow and addInterest with edges it does not have yet (the
// same sequence for every contestant), then wipes what it created.
func (r *runner) writeRun(ctx context.Context, conc int, d time.Duration, send func(context.Context, int, bool, string) error) (Sample, error) {
	t0 := time.Now().UTC() // Neo4j refuses the "Local" zone
	fr := r.g.fresh()
	fr.prepare(conc)
	s := closedLoop(ctx, conc, d, func(ctx context.Context, w, seq int) error {
		follow := seq%2 == 0
		arg := fr.next(w, follow)
		return send(ctx, w, follow, arg)
	})
	return s, r.neo.wipeWrites(ctx, r.clientIDs(conc), t0)
}

// asyncWrites sends AsyncPerClient mutations per client with "Prefer:
// respond-async" (ACCEPTED at once) and clocks until all of them are
// applied, counting the new edges in Neo4j.
func (r *runner) asyncWrites(ctx context.Context) error {
	conc := maxInt(r.cfg.Concurrency)
	ids := r.clientIDs(conc)
	var accepted, applied []Sample
	for range r.cfg.Repeats {
		t0 := time.Now().UTC() // Neo4j refuses the "Local" zone
		fr := r.g.fresh()
		fr.prepare(conc)
		total := conc * r.cfg.AsyncPerClient
		s := perWorker(ctx, conc, r.cfg.AsyncPerClient, func(ctx context.Context, w, seq int) error {
			follow := seq%2 == 0
			rc, err := ourMutation(ctx, r.ours.url, r.clients[w], true, follow, fr.next(w, follow))
			if err == nil && rc.Status != "ACCEPTED" {
				err = fmt.Errorf("async mutation answered %s", rc.Status)
			}
			return err
		})
		if s.Errors > 0 {
			return fmt.Errorf("async writes: %d failed (first: %s)", s.Errors, s.FirstError)
		}
		done, err := r.waitEdges(ctx, ids, t0, total, 2*time.Minute)
		if err != nil {
			return err
		}
		accepted = append(accepted, s)
		applied = append(applied, Sample{Ops: total, Seconds: done.Seconds(), Throughput: float64(total) / done.Seconds()})
		if err := r.neo.wipeWrites(ctx, ids, t0); err != nil {
			return err
		}
	}
	if err := r.addWrite(summarize("writes", "async: until ACCEPTED", "ours", "mutations", conc, accepted),
		"Prefer: respond-async; the answer comes once the command is on Kafka (acks=all)"); err != nil {
		return err
	}
	return r.addWrite(summarize("writes", "async: until all APPLIED", "ours", "mutations", conc, applied),
		fmt.Sprintf("%d mutations per client; clock stops when Neo4j has every new edge", r.cfg.AsyncPerClient))
}

// waitEdges polls Neo4j until the actors have want edges newer than t0 and
// returns the time since t0.
func (r *runner) waitEdges(ctx context.Context, ids []string, t0 time.Time, want int, limit time.Duration) (time.Duration, error) {
	for {
		recs, err := r.neo.query(ctx, `UNWIND $ids AS id MATCH (:Person {id: id})-[e:FOLLOWS|INTERESTED_IN]->()
WHERE e.since >= $t0 RETURN count(e) AS n`, map[string]any{"ids": ids, "t0": t0})
		if err != nil {
			return 0, err
		}
		n, _ := recs[0].Get("n")
		if int(n.(int64)) >= want {
			return time.Since(t0), nil
		}
		if time.Since(t0) > limit {
			return 0, fmt.Errorf("only %v of %d writes applied after %s", n, want, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// peerCreates measures the peer's createPeople (our equivalent is
// register, measured when the clients were registered).
func (r *runner) peerCreates(ctx context.Context) error {
	conc := maxInt(r.cfg.Concurrency)
	var runs []Sample
	for rep := range r.cfg.Repeats {
		s := closedLoop(ctx, conc, r.cfg.Duration, func(ctx context.Context, w, seq int) error {
			id := fmt.Sprintf("%s-0001-4000-8000-%04x%04x%04x", r.tag, rep, w, seq)
			return endpoint(r.peer.url).Run(ctx, gqlclient.Request{Query: peerCreate, Variables: map[string]any{"in": []map[string]any{{
				"id": id, "name": fmt.Sprintf("Peer person %d.%d", w, seq), "email": id + "@bench.example",
				"registeredAt": time.Now().UTC().Format(time.RFC3339Nano)}}}}, nil)
		})
		runs = append(runs, s)
		err := r.neo.autoCommit(ctx, `MATCH (p:Person) WHERE p.id STARTS WITH $p CALL { WITH p DETACH DELETE p } IN TRANSACTIONS OF 500 ROWS`,
			map[string]any{"p": r.tag + "-0001-"})
		if err != nil {
			return err
		}
	}
	return r.addWrite(summarize("writes", "create person", "peer", "persons", conc, runs), "createPeople, one person per request")
}

// perWorker is a closed loop in which each of conc workers sends exactly k requests.
func perWorker(ctx context.Context, conc, k int, fn op) Sample {
	return drive(ctx, conc, func(seq int) bool { return seq < k }, fn)
}
