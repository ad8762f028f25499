package deploytest

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/interestgraph/interestgraph/internal/metrics"
)

// appServices are the compose services that run the service's processes.
var appServices = []string{"gateway", "consumer", "auth"}

// TestComposeScrapesEveryProcess: Prometheus and Grafana are in compose
// with their files mounted, and Prometheus scrapes each process of the
// service exactly where that process serves /metrics (its METRICS_ADDR).
func TestComposeScrapesEveryProcess(t *testing.T) {
	c := load(t)
	for _, name := range []string{"prometheus", "grafana"} {
		s, ok := c.Services[name]
		if !ok || s.Image == "" || strings.HasSuffix(s.Image, ":latest") || !strings.Contains(s.Image, ":") {
			t.Errorf("service %s missing or its image %q is not pinned", name, s.Image)
		}
	}
	var want []string
	for _, name := range appServices {
		_, port, err := net.SplitHostPort(c.Services[name].Environment["METRICS_ADDR"])
		if err != nil {
			t.Errorf("service %s: METRICS_ADDR %q: %v", name, c.Services[name].Environment["METRICS_ADDR"], err)
			continue
		}
		want = append(want, name+":"+port)
	}
	var got []string
	for _, sc := range prometheusConfig(t).ScrapeConfigs {
		if sc.MetricsPath != "" && sc.MetricsPath != "/metrics" {
			t.Errorf("job %s scrapes %s, the service serves /metrics", sc.JobName, sc.MetricsPath)
		}
		for _, st := range sc.StaticConfigs {
			got = append(got, st.Targets...)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Prometheus scrapes %v; the compose services serve metrics at %v", got, want)
	}
	raw, err := os.ReadFile(filepath.Join(root(t), "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, mount := range []string{"./deploy/prometheus/prometheus.yml:", "./deploy/grafana/provisioning:", "./deploy/grafana/dashboards:"} {
		if !strings.Contains(string(raw), mount) {
			t.Errorf("docker-compose.yml does not mount %s", mount)
		}
	}
}

type promConfig struct {
	ScrapeConfigs []struct {
		JobName       string `yaml:"job_name"`
		MetricsPath   string `yaml:"metrics_path"`
		StaticConfigs []struct {
			Targets []string `yaml:"targets"`
		} `yaml:"static_configs"`
	} `yaml:"scrape_configs"`
}

func prometheusConfig(t *testing.T) promConfig {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root(t), "deploy", "prometheus", "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var pc promConfig
	if err := yaml.Unmarshal(raw, &pc); err != nil {
		t.Fatalf("prometheus.yml: %v", err)
	}
	return pc
}

// metricRef finds metric names in PromQL: our own and the runtime's.
var metricRef = regexp.MustCompile(`\b(?:interestgraph|go|process)_[a-z0-9_]+\b`)

// TestDashboardUsesRealMetrics: the provisioned dashboard parses, uses the
// provisioned data source, refers only to metrics the service registers,
// and shows each thing operators asked for.
func TestDashboardUsesRealMetrics(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root(t), "deploy", "grafana", "dashboards", "interestgraph.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr       string `json:"expr"`
				Datasource struct {
					UID string `json:"uid"`
				} `json:"datasource"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	registered := metrics.Names()
	used := map[string]bool{}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			if tg.Datasource.UID != "prometheus" {
				t.Errorf("panel %q: data source %q, provisioned is \"prometheus\"", p.Title, tg.Datasource.UID)
			}
			for _, ref := range metricRef.FindAllString(tg.Expr, -1) {
				name := base(ref)
				used[name] = true
				if !slices.Contains(registered, name) {
					t.Errorf("panel %q uses %s, which the service does not register", p.Title, ref)
				}
			}
		}
	}
	for _, want := range []string{
		"interestgraph_graphql_requests_total", "interestgraph_graphql_request_duration_seconds",
		"interestgraph_commands_total", "interestgraph_consumer_lag", "interestgraph_subscriptions_active",
		"interestgraph_neo4j_transaction_duration_seconds",
	} {
		if !used[want] {
			t.Errorf("the dashboard shows no panel of %s", want)
		}
	}
}

// base strips the series suffixes of a histogram.
func base(name string) string {
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		if n, ok := strings.CutSuffix(name, suf); ok && !strings.HasSuffix(name, "_total") {
			return n
		}
	}
	return name
}
