package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/config"
)

func runOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(args, &out)
	return out.String(), err
}

// TestHelp: help, help SUBCOMMAND, -h and -help print purpose, flags and
// the environment variables with defaults, and succeed (exit 0).
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"-help"}, {"--help"}} {
		out, err := runOut(t, args...)
		if err != nil {
			t.Errorf("%v: %v", args, err)
		}
		for _, want := range []string{"serve", "gateway", "consumer", "rebuild", "auth", "analytics", "help"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v does not list %s:\n%s", args, want, out)
			}
		}
	}
	cases := []struct {
		args          []string
		want, notWant []string
	}{
		{[]string{"help", "serve"}, []string{"-demo", "HTTP_ADDR", "127.0.0.1:8080", "CORS_ALLOWED_ORIGINS", "KAFKA_BROKERS"}, []string{"-force", "AUTH_HTTP_ADDR"}},
		{[]string{"serve", "-h"}, []string{"-demo", "HTTP_ADDR"}, []string{"-force", "help requested", "Usage of"}},
		{[]string{"rebuild", "-help"}, []string{"-force", "NEO4J_URI", "KAFKA_TOPIC_PREFIX"}, []string{"-demo", "HTTP_ADDR"}},
		{[]string{"help", "auth"}, []string{"AUTH_HTTP_ADDR", "127.0.0.1:8081", "AUTH_SHARED_SECRET"}, []string{"-demo", "-force"}},
		{[]string{"help", "gateway"}, []string{"HTTP_ADDR", "GRAPHQL_MAX_DEPTH", "12"}, []string{"-demo"}},
		{[]string{"consumer", "-h"}, []string{"KAFKA_CONSUMER_GROUP", "interestgraph-command-handlers"}, []string{"-demo"}},
	}
	for _, c := range cases {
		out, err := runOut(t, c.args...)
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v does not mention %q:\n%s", c.args, w, out)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(out, w) {
				t.Errorf("%v mentions %q:\n%s", c.args, w, out)
			}
		}
	}
	// Every variable the service reads is in some command's help.
	var all string
	for _, cmd := range []string{"serve", "gateway", "consumer", "rebuild", "auth"} {
		out, _ := runOut(t, "help", cmd)
		all += out
	}
	for _, n := range config.EnvNames {
		if !strings.Contains(all, n) {
			t.Errorf("no help mentions %s", n)
		}
	}
	if _, err := runOut(t, "help", "nope"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("help nope: %v", err)
	}
	if _, err := runOut(t, "serve", "-force"); err == nil {
		t.Errorf("serve accepted rebuild's -force")
	}
}
