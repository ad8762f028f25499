package deploytest

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/interestgraph/interestgraph/internal/config"
)

func root(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for !fileExists(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
	return dir
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func versions(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join(root(t), "scripts", "versions.env"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

func load(t *testing.T) compose {
	raw, err := os.ReadFile(filepath.Join(root(t), "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yml is not valid YAML: %v", err)
	}
	return c
}

// TestComposeMatchesDevStack: the same server versions, ports and
// environment names as the dev stack and the service's configuration.
func TestComposeMatchesDevStack(t *testing.T) {
	v, c := versions(t), load(t)
	if got, want := c.Services["kafka"].Image, "apache/kafka:"+v["KAFKA_VERSION"]; got != want {
		t.Errorf("kafka image %q, want %q (scripts/versions.env)", got, want)
	}
	if got, want := c.Services["neo4j"].Image, "neo4j:"+v["NEO4J_VERSION"]+"-community"; got != want {
		t.Errorf("neo4j image %q, want %q (scripts/versions.env)", got, want)
	}
	if !slices.Contains(c.Services["kafka"].Ports, "127.0.0.1:9092:9092") || !slices.Contains(c.Services["neo4j"].Ports, "127.0.0.1:7687:7687") {
		t.Error("compose does not publish Kafka on 9092 and Bolt on 7687 on loopback, as the dev stack does")
	}
	for _, name := range []string{"kafka", "neo4j", "gateway", "auth"} {
		if hc := c.Services[name].Healthcheck; hc == nil || len(hc.Test) == 0 {
			t.Errorf("service %s has no health check", name)
		}
	}
	auth, gw := c.Services["auth"], c.Services["gateway"]
	if !slices.Equal(auth.Command, []string{"auth"}) || gw.Environment["AUTH_URL"] == "" ||
		gw.Environment["AUTH_SHARED_SECRET"] != auth.Environment["AUTH_SHARED_SECRET"] || auth.DependsOn["neo4j"].Condition != "service_healthy" {
		t.Error("the gateway does not reach the auth component with its secret, or auth does not wait for Neo4j")
	}
	for k := range auth.Environment {
		if !slices.Contains(config.EnvNames, k) {
			t.Errorf("service auth sets %s, which the service does not read", k)
		}
	}
	for name, cmd := range map[string]string{"gateway": "gateway", "consumer": "consumer"} {
		s, ok := c.Services[name]
		if !ok || !slices.Equal(s.Command, []string{cmd}) {
			t.Errorf("service %s: command %v, want [%s]", name, s.Command, cmd)
		}
		for k := range s.Environment {
			if !slices.Contains(config.EnvNames, k) {
				t.Errorf("service %s sets %s, which the service does not read", name, k)
			}
		}
		for _, dep := range []string{"kafka", "neo4j"} {
			if s.DependsOn[dep].Condition != "service_healthy" {
				t.Errorf("service %s does not wait for a healthy %s", name, dep)
			}
		}
		if s.Environment["NEO4J_PASSWORD"] != strings.TrimPrefix(c.Services["neo4j"].Environment["NEO4J_AUTH"], "neo4j/") {
			t.Errorf("service %s uses another Neo4j password than the neo4j service sets", name)
		}
	}
}

// TestReadmeDocumentsEveryVariable keeps the README's configuration table
// true.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range config.EnvNames {
		if !strings.Contains(string(raw), "`"+n+"`") {
			t.Errorf("README.md does not document %s", n)
		}
	}
	v := versions(t)
	for _, k := range []string{"KAFKA_VERSION", "NEO4J_VERSION"} {
		if !strings.Contains(string(raw), v[k]) {
			t.Errorf("README.md does not name %s %s", k, v[k])
		}
	}
}
