package testsupport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// Proxy is a fault-injecting TCP proxy on loopback: it forwards every
// connection to its target until told to Cut (close every connection and
// refuse new ones), Stall (hold bytes in both directions) or Slow (delay
// every chunk). Restore undoes all three. Tests put it in front of Neo4j
// (bolt:// has no routing, so the driver dials only the proxy) and, through
// a dial hook, in front of every Kafka broker (see ProxyDialer).
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	cut     bool
	latency time.Duration
	resume  chan struct{} // open while stalled, closed when bytes may flow
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

// maxProxyConns bounds the connections a proxy holds: far above what a
// test's clients open, low enough that a runaway client fails the test.
const maxProxyConns = 512

// StartProxy listens on a loopback port and forwards to target; it stops
// when the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	p, err := startProxy(t, target)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// startProxy is StartProxy for any goroutine (t.Fatal is not).
func startProxy(t testing.TB, target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &Proxy{ln: ln, target: target, resume: closedChan(), conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p, nil
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut closes every connection and refuses new ones (accepted, then closed
// at once, as a dead server's port would answer) until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		_ = c.Close()
	}
}

// Stall holds every byte read from either side until Restore; connections
// stay open, as with a server that stopped answering.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.resume:
		p.resume = make(chan struct{})
	default: // already stalled
	}
}

// Slow delays every chunk forwarded in either direction by d.
func (p *Proxy) Slow(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// Restore forwards again, without delay.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut, p.latency = false, 0
	select {
	case <-p.resume:
	default:
		close(p.resume)
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // listener closed
		}
		p.mu.Lock()
		refuse := p.cut || len(p.conns) >= maxProxyConns
		if !refuse {
			p.conns[c] = struct{}{}
		}
		p.mu.Unlock()
		if refuse {
			_ = c.Close()
			continue
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	defer p.forget(client)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	server, err := (&net.Dialer{}).DialContext(ctx, "tcp", p.target)
	cancel()
	if err != nil {
		return
	}
	p.mu.Lock()
	if p.cut { // cut while dialling
		p.mu.Unlock()
		_ = server.Close()
		return
	}
	p.conns[server] = struct{}{}
	p.mu.Unlock()
	defer p.forget(server)
	done := make(chan struct{})
	go func() { p.pipe(server, client); close(done) }()
	p.pipe(client, server)
	// Either side ending ends both: the other pipe's read then fails.
	_ = client.Close()
	_ = server.Close()
	<-done
}

func (p *Proxy) forget(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// pipe copies src to dst a chunk at a time, each chunk subject to the
// faults in force when it was read.
func (p *Proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.hold(src) {
			return
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			_ = dst.Close()
			return
		}
	}
}

// hold waits out a stall and adds the latency; false if the connection was
// cut meanwhile.
func (p *Proxy) hold(src net.Conn) bool {
	p.mu.Lock()
	resume, latency := p.resume, p.latency
	p.mu.Unlock()
	<-resume
	if latency > 0 {
		time.Sleep(latency) // the injected fault itself, not synchronisation
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, open := p.conns[src]
	return open && !p.cut
}

func (p *Proxy) close() {
	_ = p.ln.Close()
	p.Restore() // release stalled pipes
	p.Cut()
	p.wg.Wait()
}

// ProxyDialer routes every connection a Kafka client makes through a
// Proxy of its own per broker address. A plain proxy in front of Kafka
// sees only the bootstrap connection: after metadata, kafka-go dials the
// brokers' advertised addresses. A dial hook (bus.Config.Dial) sees every
// address, so each gets a proxy and all of them fail together.
type ProxyDialer struct {
	t       testing.TB
	mu      sync.Mutex
	proxies map[string]*Proxy
	cut     bool
}

// NewProxyDialer returns a dialer whose proxies stop when the test ends.
func NewProxyDialer(t testing.TB) *ProxyDialer {
	return &ProxyDialer{t: t, proxies: map[string]*Proxy{}}
}

// maxProxiedBrokers bounds the proxies one dialer starts.
const maxProxiedBrokers = 16

// DialContext dials address through its proxy.
func (d *ProxyDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	p, ok := d.proxies[address]
	if !ok {
		if len(d.proxies) >= maxProxiedBrokers {
			d.mu.Unlock()
			return nil, errors.New("proxy dialer: too many broker addresses")
		}
		var err error
		if p, err = startProxy(d.t, address); err != nil {
			d.mu.Unlock()
			return nil, err
		}
		if d.cut {
			p.Cut()
		}
		d.proxies[address] = p
	}
	d.mu.Unlock()
	return (&net.Dialer{}).DialContext(ctx, network, p.Addr())
}

// Cut cuts every broker's proxy, and any started later.
func (d *ProxyDialer) Cut() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cut = true
	for _, p := range d.proxies {
		p.Cut()
	}
}

// Restore restores every broker's proxy.
func (d *ProxyDialer) Restore() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cut = false
	for _, p := range d.proxies {
		p.Restore()
	}
}
