package consumers

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// TestCommitterCoalesces: marks made while a commit is in flight are
// committed together, as the latest of them, in increasing order and never
// beyond the highest mark; stop commits the last mark.
func TestCommitterCoalesces(t *testing.T) {
	var mu sync.Mutex
	var commits []int64
	release := make(chan struct{})
	first := make(chan struct{})
	var once sync.Once
	c := startCommitter(0, slog.New(slog.NewTextHandler(io.Discard, nil)), func(next int64) error {
		once.Do(func() { close(first); <-release }) // the first commit hangs until released
		mu.Lock()
		commits = append(commits, next)
		mu.Unlock()
		return nil
	})
	c.mark(1)
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		t.Fatal("the first mark was not committed")
	}
	for off := int64(2); off <= 100; off++ {
		c.mark(off) // none of these may block on the hanging commit
	}
	c.mark(50) // an older mark never moves the commit back
	close(release)
	c.stop()
	mu.Lock()
	defer mu.Unlock()
	if len(commits) == 0 || commits[len(commits)-1] != 100 {
		t.Fatalf("commits %v: the last must be the highest mark, 100", commits)
	}
	if len(commits) > 3 {
		t.Fatalf("%d commits for 100 marks made during one commit: %v", len(commits), commits)
	}
	for i := 1; i < len(commits); i++ {
		if commits[i] <= commits[i-1] {
			t.Fatalf("commits not increasing: %v", commits)
		}
	}
}

// TestCommitterRetriesAFailedCommit: a failed commit is tried again with
// the latest mark at stop, so the partition's progress is not lost.
func TestCommitterRetriesAFailedCommit(t *testing.T) {
	var mu sync.Mutex
	var tries []int64
	failed := make(chan struct{})
	c := startCommitter(0, slog.New(slog.NewTextHandler(io.Discard, nil)), func(next int64) error {
		mu.Lock()
		defer mu.Unlock()
		tries = append(tries, next)
		if len(tries) == 1 {
			close(failed)
			return io.ErrUnexpectedEOF
		}
		return nil
	})
	c.mark(7)
	select {
	case <-failed:
	case <-time.After(10 * time.Second):
		t.Fatal("the mark was not committed")
	}
	c.stop()
	mu.Lock()
	defer mu.Unlock()
	if len(tries) == 0 || tries[len(tries)-1] != 7 {
		t.Fatalf("tries %v: 7 must be committed at stop", tries)
	}
}
