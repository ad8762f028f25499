package main

import (
	"testing"
)

// TestMutationRateLimit: one person's mutations past MUTATIONS_PER_MINUTE
// (a burst of twice the rate) answer RATE_LIMITED with retryAfterSeconds,
// through the whole gateway; another person is unaffected.
func TestMutationRateLimit(t *testing.T) {
	cfg := testConfig(t, embeddedStack)
	cfg.MutationsPerMinute = 2
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	script, human := rs.register(t, "Script"), rs.register(t, "Human")
	for i, name := range []string{"go", "chess", "jazz", "film"} {
		if r := rs.mutate(t, script.Token, "addInterest", "name", name); r.Status != "APPLIED" {
			t.Fatalf("mutation %d within the burst: %+v", i, r)
		}
	}
	r := rs.do(t, script.Token, `mutation { addInterest(name: "poetry") { status } }`, nil)
	if r.code() != "RATE_LIMITED" {
		t.Fatalf("fifth mutation in a minute: %+v", r.Errors)
	}
	if secs, _ := r.Errors[0].Extensions["retryAfterSeconds"].(float64); secs < 1 || secs > 60 {
		t.Fatalf("retryAfterSeconds = %v, want 1–60", r.Errors[0].Extensions["retryAfterSeconds"])
	}
	if got := rs.mutate(t, human.Token, "follow", "personId", script.ID); got.Status != "APPLIED" {
		t.Fatalf("another person is limited too: %+v", got)
	}
}
