package testsupport

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// echoServer echoes every line back until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

type lineConn struct {
	net.Conn
	r *bufio.Reader
}

func dialLine(t *testing.T, addr string) *lineConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &lineConn{Conn: c, r: bufio.NewReader(c)}
}

// roundTrip writes a line and reads it back within d.
func (c *lineConn) roundTrip(line string, d time.Duration) (string, error) {
	_ = c.SetDeadline(time.Now().Add(d))
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		return "", err
	}
	got, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return got[:len(got)-1], nil
}

func mustEcho(t *testing.T, c *lineConn, line string) {
	t.Helper()
	got, err := c.roundTrip(line, 5*time.Second)
	if err != nil || got != line {
		t.Fatalf("echo %q: got %q, %v", line, got, err)
	}
}

func TestProxyForwards(t *testing.T) {
	p := StartProxy(t, echoServer(t))
	mustEcho(t, dialLine(t, p.Addr()), "hello")
}

func TestProxyCutClosesAndRefusesUntilRestored(t *testing.T) {
	p := StartProxy(t, echoServer(t))
	c := dialLine(t, p.Addr())
	mustEcho(t, c, "before")

	p.Cut()
	if _, err := c.roundTrip("during", 5*time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("an open connection survived the cut (err %v): want it closed, not stalled", err)
	}
	fresh := dialLine(t, p.Addr())
	if _, err := fresh.roundTrip("new", 5*time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a new connection was served during the cut (err %v)", err)
	}

	p.Restore()
	mustEcho(t, dialLine(t, p.Addr()), "after")
}

func TestProxyStallHoldsBytesUntilRestored(t *testing.T) {
	p := StartProxy(t, echoServer(t))
	c := dialLine(t, p.Addr())
	mustEcho(t, c, "before")

	p.Stall()
	if _, err := c.roundTrip("held", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("during a stall: %v, want the read to time out with the connection open", err)
	}
	p.Restore()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	got, err := c.r.ReadString('\n')
	if err != nil || got != "held\n" {
		t.Fatalf("held bytes after restore: %q, %v", got, err)
	}
	mustEcho(t, c, "after")
}

func TestProxySlowAddsLatency(t *testing.T) {
	p := StartProxy(t, echoServer(t))
	c := dialLine(t, p.Addr())
	mustEcho(t, c, "warm")

	const latency = 150 * time.Millisecond
	p.Slow(latency)
	start := time.Now()
	mustEcho(t, c, "slow")
	// Both directions are delayed: at least twice the latency.
	if took := time.Since(start); took < 2*latency {
		t.Fatalf("round trip took %s with %s latency each way", took, latency)
	}
	p.Restore()
	mustEcho(t, c, "fast")
}

func TestProxyDialerCutsEveryAddress(t *testing.T) {
	d := NewProxyDialer(t)
	a, b := echoServer(t), echoServer(t)
	dial := func(addr string) *lineConn {
		t.Helper()
		conn, err := d.DialContext(context.Background(), "tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		return &lineConn{Conn: conn, r: bufio.NewReader(conn)}
	}
	ca := dial(a)
	mustEcho(t, ca, "a")
	d.Cut()
	if _, err := ca.roundTrip("a", 5*time.Second); err == nil {
		t.Fatal("connection to a survived the cut")
	}
	// An address first dialled during the cut is cut too.
	if _, err := dial(b).roundTrip("b", 5*time.Second); err == nil {
		t.Fatal("connection to b served during the cut")
	}
	d.Restore()
	mustEcho(t, dial(a), "a again")
	mustEcho(t, dial(b), "b again")
}
