package consumers

import (
	"log/slog"
	"sync"
	"time"
)

// finalCommitTimeout bounds the commit a worker makes as it stops.
const finalCommitTimeout = 5 * time.Second

// committer commits one partition's offset in the background. The worker
// marks the offset after each message whose outcome is published and goes
// on to the next at once; the committer commits the latest mark, one
// commit at a time, so a burst of messages costs one commit and no
// command waits for a commit round trip. A mark is only ever made after a
// message's outcome is published, so a commit is never ahead of what is
// published; what a crash leaves uncommitted is redelivered and replayed.
type committer struct {
	commit func(next int64) error
	log    *slog.Logger
	part   int

	mu     sync.Mutex
	marked int64 // the highest offset marked to commit
	wake   chan struct{}
	quit   chan struct{}
	done   chan struct{}
}

func startCommitter(part int, log *slog.Logger, commit func(next int64) error) *committer {
	c := &committer{commit: commit, log: log, part: part, marked: -1,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// mark asks for next (the offset after a published message) to be
// committed. It never blocks.
func (c *committer) mark(next int64) {
	c.mu.Lock()
	c.marked = max(c.marked, next)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default: // a commit is already due; it will take the latest mark
	}
}

// stop commits the latest mark, if not yet committed, and returns once
// the committer is done.
func (c *committer) stop() {
	close(c.quit)
	<-c.done
}

func (c *committer) run() {
	defer close(c.done)
	committed := int64(-1)
	flush := func() {
		c.mu.Lock()
		next := c.marked
		c.mu.Unlock()
		if next <= committed {
			return
		}
		if err := c.commit(next); err != nil {
			// The outcomes are published: a redelivery will be replayed.
			// The next mark (or the final flush) tries again.
			c.log.Warn("offset commit failed; commands may be redelivered", "partition", c.part, "offset", next, "err", err)
			return
		}
		committed = next
	}
	for {
		select {
		case <-c.wake:
			flush()
		case <-c.quit:
			// Generation.CommitOffsets takes no context: a final commit
			// against a generation that is ending must not hold the worker,
			// and with it the rebalance. Past the bound the commit is left
			// to finish (or fail) on its own; a redelivery is replayed.
			final := make(chan struct{})
			go func() { defer close(final); flush() }()
			t := time.NewTimer(finalCommitTimeout)
			defer t.Stop()
			select {
			case <-final:
			case <-t.C:
				c.log.Warn("final offset commit did not answer; commands may be redelivered", "partition", c.part)
			}
			return
		}
	}
}
