package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
)

// stageRebuild measures `interestgraph rebuild`: the events per second a
// replay of the events topic writes into an empty graph. Neo4j Community
// has one database, shared with the tests and other runs, and `rebuild
// -wipe` removes every person in it; so, as the service's own rebuild test
// does, the stage removes the run's part of the graph and replays the
// run's events topic over the rest with -force. It runs last: the graph
// the other stages measured (the bulk of it loaded straight into Neo4j,
// not through events) is gone afterwards.
func (r *runner) stageRebuild(ctx context.Context) error {
	topic := bus.DefaultTopics(r.prefix).Events
	onTopic, err := topicMessages(ctx, r.srv.Brokers, topic)
	if err != nil {
		return err
	}
	ids := r.clientIDs(len(r.clients))
	if r.emitter.ID != "" {
		ids = append(ids, r.emitter.ID)
	}
	var runs []Sample
	for rep := range r.cfg.BacklogRepeats {
		if err := r.neo.wipeProjection(ctx, r.tag, ids); err != nil {
			return err
		}
		s, err := r.rebuildOnce(ctx, rep, rebuildLimit(onTopic))
		if err != nil {
			return err
		}
		if int64(s.Ops) != onTopic {
			r.logf("  rebuild %d: replayed %d events, the topic held %d", rep+1, s.Ops, onTopic)
		}
		if err := r.checkRebuilt(ctx, ids); err != nil {
			return err
		}
		r.logf("  rebuild %d: %d events in %.1fs, %.0f events/s", rep+1, s.Ops, s.Seconds, s.Throughput)
		runs = append(runs, s)
	}
	res := summarize("writes", "rebuild: replay the events topic", "ours", "events", 1, runs)
	if err := tooManyErrors(res); err != nil {
		return err
	}
	r.rep.add(res, fmt.Sprintf("`interestgraph rebuild -force`: the run's events topic (%d events) into a graph without the run's data; "+
		"clock: the replay, from reading the topic to the last commit (process start and connections excluded); goal %d events/s", res.Runs[0].Ops, rebuildGoal))
	return nil
}

// rebuildGoal is the rate the project's issue asks a rebuild for.
const rebuildGoal = 50000

// rebuildLimit bounds one rebuild: a minute to start, plus the events at
// 100 per second (a replay one transaction per event does several
// hundred a second on 2 cores).
func rebuildLimit(events int64) time.Duration {
	return time.Minute + time.Duration(events)*time.Second/100
}

// rebuildOnce runs `interestgraph rebuild -force` on the run's topics and
// times the replay as the process reports it.
func (r *runner) rebuildOnce(ctx context.Context, rep int, limit time.Duration) (Sample, error) {
	// JSON logs at info: the last line says how many events were replayed.
	env := append(r.ourEnv(r.prefix, "bench-"+r.tag+"-rebuild", 0), "LOG_LEVEL=info", "LOG_FORMAT=json")
	began := time.Now()
	p, err := start(fmt.Sprintf("ours-rebuild-%d", rep), filepath.Dir(r.bin), r.tmp, env, r.bin, "rebuild", "-force")
	if err != nil {
		return Sample{}, err
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-ctx.Done():
		p.stop()
		return Sample{}, ctx.Err()
	case <-timer.C:
		p.stop()
		return Sample{}, fmt.Errorf("rebuild not done after %s:\n%s", limit, p.tail())
	}
	took := time.Since(began)
	if st := p.cmd.ProcessState; st == nil || !st.Success() {
		return Sample{}, fmt.Errorf("rebuild: %v:\n%s", st, p.tail())
	}
	n, replaySeconds, err := replayedEvents(p.log)
	if err != nil {
		return Sample{}, fmt.Errorf("%w:\n%s", err, p.tail())
	}
	r.logf("  rebuild %d: the process took %.1fs in all", rep+1, took.Seconds())
	if replaySeconds <= 0 { // an older binary: the whole process
		replaySeconds = took.Seconds()
	}
	return Sample{Ops: n, Seconds: replaySeconds, Throughput: float64(n) / replaySeconds}, nil
}

// replayedEvents reads the count and the replay's time from the rebuild's
// last log line ({"msg":"rebuild done","events":N,"replay_seconds":S}).
func replayedEvents(logPath string) (int, float64, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg     string  `json:"msg"`
			Events  *int    `json:"events"`
			Seconds float64 `json:"replay_seconds"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "rebuild done" && line.Events != nil {
			return *line.Events, line.Seconds, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, fmt.Errorf("rebuild log: %w", err)
	}
	return 0, 0, errors.New("rebuild log: no \"rebuild done\" line with an events count")
}

// checkRebuilt makes sure the replay rebuilt the run's registered persons,
// names included (their events' personal fields opened): a rebuild that
// replayed nothing would otherwise look fast.
func (r *runner) checkRebuilt(ctx context.Context, ids []string) error {
	recs, err := r.neo.query(ctx, `UNWIND $ids AS id MATCH (p:Person {id: id}) WHERE p.name IS NOT NULL RETURN count(p) AS n`,
		map[string]any{"ids": ids})
	if err != nil {
		return fmt.Errorf("after the rebuild: %w", err)
	}
	n, _ := recs[0].Get("n")
	if got, _ := n.(int64); got != int64(len(ids)) {
		return fmt.Errorf("after the rebuild: %d of the run's %d registered persons are back", got, len(ids))
	}
	return nil
}

// topicMessages counts the messages a topic holds: end minus start
// offsets over its partitions.
func topicMessages(ctx context.Context, brokers []string, topic string) (int64, error) {
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	if len(md.Topics) != 1 || md.Topics[0].Error != nil {
		return 0, fmt.Errorf("metadata of %s: %v", topic, md.Topics)
	}
	var reqs []kafka.OffsetRequest
	for _, p := range md.Topics[0].Partitions {
		reqs = append(reqs, kafka.FirstOffsetOf(p.ID), kafka.LastOffsetOf(p.ID))
	}
	res, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, fmt.Errorf("offsets of %s: %w", topic, err)
	}
	var n int64
	for _, po := range res.Topics[topic] {
		if po.Error != nil {
			return 0, fmt.Errorf("offsets of %s/%d: %w", topic, po.Partition, po.Error)
		}
		n += po.LastOffset - po.FirstOffset
	}
	return n, nil
}
