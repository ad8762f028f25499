package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a subprocess of the harness: our service or the peer.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string // its stdout and stderr
	url  string // GraphQL endpoint
	done chan struct{}
}

// repoRoot finds the repository root above the working directory: the
// directory that holds the service (bench/ has a go.mod of its own, so the
// nearest go.mod is not it).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cmd", "interestgraph", "main.go")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cmd/interestgraph not found above the working directory")
		}
		dir = parent
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// buildOurs compiles the service as a release build would (no race
// detector, even when the smoke test runs under -race).
func buildOurs(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "interestgraph")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/interestgraph")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/interestgraph: %v\n%s", err, out)
	}
	return bin, nil
}

// start runs a subprocess with its output in logDir/name.log. It dies
// with the harness (Pdeathsig), so an interrupted run leaves nothing behind.
func start(name, dir, logDir string, env []string, bin string, args ...string) (*proc, error) {
	logPath := filepath.Join(logDir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, append(os.Environ(), env...), f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); f.Close(); close(p.done) }()
	return p, nil
}

// stop asks the process to end (SIGTERM: the service shuts down cleanly)
// and kills it if it has not after 15 s.
func (p *proc) stop() {
	if p == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// tail returns the end of the process's log, for error messages.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// waitHTTP polls url until it answers 200, the process dies or d passes.
func (p *proc) waitHTTP(ctx context.Context, url string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited while starting:\n%s", p.name, p.tail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s:\n%s", p.name, d, p.tail())
		}
	}
}

// ourEnv is the service's environment for one run: its own topics and
// consumer group, so runs and tests never mix.
func (r *runner) ourEnv(prefix, group string, port int) []string {
	s := r.srv
	return []string{
		"KAFKA_BROKERS=" + strings.Join(s.Brokers, ","), "NEO4J_URI=" + s.Neo4jURI,
		"NEO4J_USER=" + s.Neo4jUser, "NEO4J_PASSWORD=" + s.Neo4jPwd,
		"HTTP_ADDR=127.0.0.1:" + strconv.Itoa(port), "KAFKA_TOPIC_PREFIX=" + prefix,
		"KAFKA_CONSUMER_GROUP=" + group, "LOG_LEVEL=warn",
		// Tokens must outlive the longest run (the default TTL is 15 minutes),
		// and every instance must accept the clients' tokens.
		"ACCESS_TOKEN_TTL=3h", "JWT_PRIVATE_KEY_FILE=" + r.keyFile,
		// Every benchmark client registers from this one address; the
		// per-address sign-up limit is for the internet, not for a harness.
		"SIGNUPS_PER_MINUTE=100000",
		// Writers send hundreds of mutations a minute as one person.
		"MUTATIONS_PER_MINUTE=0",
		// Up to 10,000 subscribers connect from loopback: lift the WebSocket
		// caps per address and per gateway the same way.
		"WS_MAX_CONNECTIONS_PER_ADDRESS=100000", "WS_MAX_CONNECTIONS=100000",
		// The depth-5 read nests connections (edges, node) 15 levels deep,
		// and its estimated cost (first: 3 at four levels) is about 8,700.
		"GRAPHQL_MAX_DEPTH=16", "GRAPHQL_MAX_COMPLEXITY=10000",
	}
}

// startOurs starts `interestgraph <role>` and waits for /readyz when it
// serves HTTP.
func startOurs(ctx context.Context, bin, logDir, name, role string, env []string, port int) (*proc, error) {
	p, err := start(name, filepath.Dir(bin), logDir, env, bin, role)
	if err != nil {
		return nil, err
	}
	if role == "consumer" {
		return p, nil
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := p.waitHTTP(ctx, base+"/readyz", 90*time.Second); err != nil {
		p.stop()
		return nil, err
	}
	p.url = base + "/graphql"
	return p, nil
}

// ensurePeerInstalled runs `npm ci` when bench/peer has no node_modules.
func ensurePeerInstalled(ctx context.Context, peerDir string, logf func(string, ...any)) error {
	if _, err := os.Stat(filepath.Join(peerDir, "node_modules", "@neo4j", "graphql")); err == nil {
		return nil
	}
	logf("peer: npm ci in %s", peerDir)
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = peerDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci: %v\n%s", err, out)
	}
	return nil
}

// startPeer starts the @neo4j/graphql server and waits for its "ready" line.
func startPeer(ctx context.Context, peerDir, logDir, name string, s servers, neo4jURI string) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env := []string{"NEO4J_URI=" + neo4jURI, "NEO4J_USER=" + s.Neo4jUser, "NEO4J_PASSWORD=" + s.Neo4jPwd,
		"PORT=" + strconv.Itoa(port), "NODE_ENV=production"}
	p, err := start(name, peerDir, logDir, env, "node", "server.mjs")
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if b, _ := os.ReadFile(p.log); strings.Contains(string(b), "ready http") {
			p.url = "http://127.0.0.1:" + strconv.Itoa(port) + "/"
			return p, nil
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("peer exited while starting:\n%s", p.tail())
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("peer not ready after 60s:\n%s", p.tail())
		}
	}
}

// rssKiB reads VmRSS of a process from /proc.
func rssKiB(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}
