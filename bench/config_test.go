package main

import (
	"slices"
	"testing"
)

// TestScales pins what the project's issue asks of the scales: the drain
// preloads at least 100,000 commands at the default and large scales, the
// writes that wait for APPLIED run at 64 clients there (with a client per
// writer), and the smoke scale, run by `make test`, stays small.
func TestScales(t *testing.T) {
	for _, scale := range []string{"default", "large"} {
		cfg, err := parseConfig([]string{"-scale=" + scale})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Backlog < 100000 {
			t.Errorf("%s: backlog %d, want at least 100,000", scale, cfg.Backlog)
		}
		if !slices.Contains(cfg.WriteConcurrency, 64) || cfg.Clients < 64 {
			t.Errorf("%s: write levels %v with %d clients, want 64 of each", scale, cfg.WriteConcurrency, cfg.Clients)
		}
		if cfg.BacklogRepeats < 1 || !cfg.Stages["rebuild"] {
			t.Errorf("%s: %d backlog runs, stages %v", scale, cfg.BacklogRepeats, cfg.Stages)
		}
	}
	cfg, err := parseConfig([]string{"-scale=default"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Concurrency, []int{1, 4, 16}) {
		t.Errorf("default: read levels %v, want 1,4,16 (a 64 level for every read would not fit ten minutes)", cfg.Concurrency)
	}
	smoke, err := parseConfig([]string{"-scale=smoke"})
	if err != nil {
		t.Fatal(err)
	}
	if smoke.Backlog > 1000 || smoke.Clients > 8 || maxInt(smoke.WriteConcurrency) > 8 {
		t.Errorf("smoke grew: backlog %d, %d clients, write levels %v", smoke.Backlog, smoke.Clients, smoke.WriteConcurrency)
	}
}

// TestWriteConcurrencyFlags: -concurrency alone sets the write levels too;
// -write-concurrency sets them alone; the clients cover the highest.
func TestWriteConcurrencyFlags(t *testing.T) {
	cfg, err := parseConfig([]string{"-scale=smoke", "-concurrency=1,2"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.WriteConcurrency, []int{1, 2}) {
		t.Errorf("-concurrency=1,2: write levels %v", cfg.WriteConcurrency)
	}
	cfg, err = parseConfig([]string{"-scale=smoke", "-write-concurrency=1,32", "-backlog=500"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.WriteConcurrency, []int{1, 32}) || cfg.Clients != 32 || cfg.Backlog != 500 {
		t.Errorf("-write-concurrency=1,32 -backlog=500: levels %v, %d clients, backlog %d", cfg.WriteConcurrency, cfg.Clients, cfg.Backlog)
	}
}

// TestFanOutLevelsAreCappedAtTheDeliveryBudget: each level emits at the
// scale's rate unless that would ask more deliveries a second than the
// cap; -sub-deliveries 0 lifts the cap.
func TestFanOutLevelsAreCappedAtTheDeliveryBudget(t *testing.T) {
	cfg, err := parseConfig([]string{"-subscribers", "1,1000,10000"})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]float64{1: 20, 1000: 20, 10000: 2} {
		if got := cfg.subRateFor(n); got != want {
			t.Errorf("%d subscribers: %g events/s, want %g", n, got, want)
		}
	}
	cfg, err = parseConfig([]string{"-sub-deliveries", "0"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.subRateFor(10000); got != 20 {
		t.Errorf("uncapped: %g events/s at 10,000 subscribers, want 20", got)
	}
}
