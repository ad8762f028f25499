package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReplayedEvents reads the count and the replay's time from a rebuild's JSON log, as
// LOG_FORMAT=json writes it, and fails on a log without the summary line.
func TestReplayedEvents(t *testing.T) {
	dir := t.TempDir()
	done := filepath.Join(dir, "done.log")
	err := os.WriteFile(done, []byte(`{"time":"2026-01-01T00:00:00Z","level":"INFO","msg":"starting"}
not json
{"time":"2026-01-01T00:00:01Z","level":"INFO","msg":"rebuild done","events":12345,"replay_seconds":0.5}
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if n, secs, err := replayedEvents(done); err != nil || n != 12345 || secs != 0.5 {
		t.Fatalf("replayedEvents = %d, %v, %v; want 12345 in 0.5 s", n, secs, err)
	}
	cut := filepath.Join(dir, "cut.log")
	if err := os.WriteFile(cut, []byte(`{"level":"ERROR","msg":"rebuild failed"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, _, err := replayedEvents(cut); err == nil {
		t.Fatalf("replayedEvents of a log without the summary = %d, no error", n)
	}
}
