package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/shred"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
)

type rebuildOptions struct {
	force   bool // replay over a non-empty graph
	wipe    bool // remove the projection first
	confirm bool // the operator confirmed the wipe
}

// errWipeUnconfirmed: -wipe without -confirm removes nothing.
var errWipeUnconfirmed = errors.New("rebuild -wipe removes nothing without -confirm")

// rebuild replays the events topic into the graph. With wipe (and
// confirm), it first removes the projection, so a rebuild on Neo4j
// Community, which has one database, is one command.
func rebuild(ctx context.Context, cfg config.Config, log *slog.Logger, o rebuildOptions) error {
	if o.confirm && !o.wipe {
		return errors.New("rebuild: -confirm confirms -wipe, which was not given")
	}
	st, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase})
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	st.SetNotificationRetention(cfg.NotificationRetention)
	bc, err := busConfig(cfg, cfg.KafkaBrokers)
	if err != nil {
		return err
	}
	if o.wipe {
		if err := wipe(ctx, st, log, o.confirm); err != nil {
			return err
		}
	}
	began := time.Now()
	n, err := replay(ctx, bc, st, st, o.force)
	if err != nil {
		return err
	}
	log.Info("rebuild done", "events", n, "replay_seconds", time.Since(began).Seconds())
	return nil
}

// wipe removes the projection's nodes after the operator confirmed it, and
// says what it would remove when they did not.
func wipe(ctx context.Context, st *neo4jstore.Store, log *slog.Logger, confirm bool) error {
	counts, err := st.CountLabels(ctx, neo4jstore.ProjectionLabels)
	if err != nil {
		return err
	}
	var what []string
	for _, l := range neo4jstore.ProjectionLabels {
		what = append(what, fmt.Sprintf("%d %s", counts[l], l))
	}
	if !confirm {
		return fmt.Errorf("%w: it would remove %s nodes and their relationships (accounts, tokens, command records and person keys stay); run rebuild -wipe -confirm",
			errWipeUnconfirmed, strings.Join(what, ", "))
	}
	log.Info("wiping the projection", "nodes", strings.Join(what, ", "))
	n, err := st.DeleteLabels(ctx, neo4jstore.ProjectionLabels, func(total int64) { log.Info("wiping", "removed", total) })
	if err != nil {
		return err
	}
	log.Info("projection wiped", "removed", n)
	return nil
}

// replay applies every event on the events topic, up to its end when the
// replay starts, to st, with personal fields opened with keys: a deleted
// person's read empty, and their AccountDeleted removes them again. It
// refuses a non-empty graph unless force is set.
func replay(ctx context.Context, bc bus.Config, st interface {
	store.Projector
	store.Snapshotter
}, keys shred.KeyReader, force bool) (int, error) {
	if !force {
		empty, err := st.Empty(ctx)
		if err != nil {
			return 0, err
		}
		if !empty {
			return 0, fmt.Errorf("%w: rebuild replays into an empty graph (use -force to replay over it)", store.ErrNotEmpty)
		}
	}
	tail, err := bus.NewTail(ctx, bc, bc.Topics.Events, bus.FromStart)
	if err != nil {
		return 0, err
	}
	defer tail.Close()
	opener := shred.NewOpener(keys, 0)
	// Deletions are applied last. Partitions replay in any interleaving,
	// so an event of another subject that names the person (a follow of
	// them, a transfer to them) may come after their deletion and would
	// bring them back; live, nothing refers to a person after their
	// deletion, so applying it at the end burns the balance it burned
	// live and leaves no trace of them.
	var deletions []domain.Event // ids and times only: no personal data
	// Events are applied replayBatch at a time, one transaction each: the
	// tail reads one partition at a time in offset order, so a subject's
	// events keep their order within and across transactions.
	pending := make([]domain.Event, 0, replayBatch)
	var from string // where the pending events begin, for an operator reading an error
	flush := func(ctx context.Context) error {
		if len(pending) == 0 {
			return nil
		}
		err := st.ApplyEvents(ctx, pending)
		if err != nil {
			err = fmt.Errorf("apply the %d events from %s: %w", len(pending), from, err)
		}
		pending = pending[:0]
		return err
	}
	count := 0
	start := time.Now()
	err = tail.Drain(ctx, func(ctx context.Context, m kafka.Message) error {
		ev, err := bus.DecodeEvent(m)
		if err == nil {
			// A value that does not open stops the rebuild: the key store
			// is not the one the topic was sealed with (restored from the
			// wrong backup?), and a graph of blank names would hide it.
			ev, err = opener.Open(ctx, ev)
		}
		if err != nil {
			return fmt.Errorf("event at %s/%d@%d: %w", m.Topic, m.Partition, m.Offset, err)
		}
		count++
		if ev.Type == domain.EvAccountDeleted {
			deletions = append(deletions, ev)
			return nil
		}
		if len(pending) == 0 {
			from = fmt.Sprintf("%s/%d@%d", m.Topic, m.Partition, m.Offset)
		}
		if pending = append(pending, ev); len(pending) < replayBatch {
			return nil
		}
		return flush(ctx)
	})
	if err == nil {
		err = flush(ctx)
	}
	// A few at a time: each deletion rewrites the person's records, and
	// one transaction for all of them could outgrow Neo4j's memory.
	for i := 0; err == nil && i < len(deletions); i += deletionsPerTransaction {
		err = st.ApplyEvents(ctx, deletions[i:min(i+deletionsPerTransaction, len(deletions))])
	}
	slog.Debug("replayed", "events", count, "took", time.Since(start))
	return count, err
}

// replayBatch is how many events a rebuild applies in one transaction.
const replayBatch = 500

// deletionsPerTransaction bounds the deferred deletions a rebuild applies
// in one transaction.
const deletionsPerTransaction = 50
