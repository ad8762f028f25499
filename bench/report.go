package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Report is everything one run measured, with where and on what.
type Report struct {
	Date         string             `json:"date"`
	RunTag       string             `json:"runTag"`
	Machine      Machine            `json:"machine"`
	Versions     map[string]string  `json:"versions"`
	Config       Config             `json:"config"`
	Graph        GraphStats         `json:"graph"`
	Results      []Result           `json:"results"`
	RoundTrips   []RoundTrips       `json:"roundTrips"`
	Subs         []SubResult        `json:"subscriptions"`
	StageSeconds map[string]float64 `json:"stageSeconds"`
	Seconds      float64            `json:"seconds"`
	Errors       []string           `json:"errors,omitempty"`
	// PeerRefused holds the reads the peer could not answer, with its error:
	// they are measured for the others and shown as such.
	PeerRefused map[string]string `json:"peerRefused,omitempty"`
}

// Machine is where the run ran; every contestant and both servers share it.
type Machine struct {
	Cores    int    `json:"cores"`
	MemoryGB string `json:"memory"`
	CPU      string `json:"cpu"`
	Kernel   string `json:"kernel"`
}

// GraphStats describes the generated graph.
type GraphStats struct {
	Persons      int     `json:"persons"`
	Tags         int     `json:"tags"`
	Follows      int     `json:"follows"`
	Interests    int     `json:"interests"`
	MaxFollows   int     `json:"maxOutDegree"`
	MaxFollowers int     `json:"maxInDegree"`
	TopTagShare  float64 `json:"topTagShare"`
}

func newReport(cfg Config, tag string) *Report {
	return &Report{Date: time.Now().UTC().Format(time.RFC3339), RunTag: tag, Machine: machine(), Config: cfg,
		StageSeconds: map[string]float64{}}
}

func (rep *Report) add(res Result, note string) {
	res.Note = note
	rep.Results = append(rep.Results, res)
}

// find returns the result of a stage, name, contestant and concurrency (0: any).
func (rep *Report) find(stage, name, contestant string, conc int) (Result, bool) {
	for _, r := range rep.Results {
		if r.Stage == stage && r.Name == name && r.Contestant == contestant && (conc == 0 || r.Concurrency == conc) {
			return r, true
		}
	}
	return Result{}, false
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU()}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		var kib float64
		if _, err := fmt.Sscanf(v, "%f kB", &kib); err == nil {
			m.MemoryGB = fmt.Sprintf("%.1f GiB", kib/(1<<20))
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// versions lists what ran: the servers, the runtimes and the libraries of
// every contestant.
func versions(ctx context.Context, r *runner) map[string]string {
	v := map[string]string{"go": runtime.Version()}
	if recs, err := r.neo.query(ctx, "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition AS e", nil); err == nil && len(recs) > 0 {
		ver, _ := recs[0].Get("v")
		ed, _ := recs[0].Get("e")
		v["neo4j"] = ver.(string) + " " + ed.(string)
	}
	if b, err := os.ReadFile(filepath.Join(r.root, "scripts", "versions.env")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, val, ok := strings.Cut(line, "="); ok && k == "KAFKA_VERSION" {
				v["kafka"] = val
			}
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			switch d.Path {
			case "github.com/segmentio/kafka-go", "github.com/neo4j/neo4j-go-driver/v5", "github.com/99designs/gqlgen":
				v[d.Path] = d.Version
			}
		}
	}
	if out, err := exec.CommandContext(ctx, "git", "-C", r.root, "describe", "--always", "--dirty").Output(); err == nil {
		v["interestgraph"] = strings.TrimSpace(string(out))
	}
	if r.peer != nil {
		if out, err := exec.CommandContext(ctx, "node", "--version").Output(); err == nil {
			v["node"] = strings.TrimSpace(string(out))
		}
		for _, pkg := range []string{"@neo4j/graphql", "@apollo/server", "neo4j-driver", "graphql"} {
			var pj struct{ Version string }
			b, err := os.ReadFile(filepath.Join(r.root, "bench", "peer", "node_modules", pkg, "package.json"))
			if err == nil && json.Unmarshal(b, &pj) == nil {
				v["npm:"+pkg] = pj.Version
			}
		}
	}
	return v
}

// write saves the report as JSON and Markdown, and the charts, under dir,
// named after the scale; with docs, it also refreshes that page's results.
func (rep *Report) write(dir, docs string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	base := filepath.Join(dir, rep.Config.Scale)
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, err
	}
	files := []string{base + ".json", base + ".md"}
	if err := os.WriteFile(files[0], append(raw, '\n'), 0o644); err != nil {
		return nil, err
	}
	charts, err := rep.charts(dir)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(files[1], []byte(rep.markdown(charts, "")), 0o644); err != nil {
		return nil, err
	}
	if docs != "" {
		if err := rep.updateDocs(docs, dir, charts); err != nil {
			return nil, err
		}
		files = append(files, docs)
	}
	return append(files, charts...), nil
}
