package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// boltCounter is a TCP proxy in front of Neo4j that counts, in what
// clients send, Bolt RUN messages (Cypher statements) and round trips
// (each time a client speaks again after the server answered; messages
// pipelined in one write count once). It only reads the client's framing:
// 2-byte chunk sizes, a 0 size ending a message, and the message's
// signature byte after its struct marker.
type boltCounter struct {
	ln     net.Listener
	target string
	runs   atomic.Int64
	turns  atomic.Int64
}

func startBoltCounter(target string) (*boltCounter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &boltCounter{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go b.serve(c)
		}
	}()
	return b, nil
}

func (b *boltCounter) uri() string { return "bolt://" + b.ln.Addr().String() }
func (b *boltCounter) close()      { b.ln.Close() }

const boltRUN = 0x10

func (b *boltCounter) serve(c net.Conn) {
	defer c.Close()
	s, err := net.Dial("tcp", b.target)
	if err != nil {
		return
	}
	defer s.Close()
	// Handshake: the client sends magic and four proposals; the server
	// answers with its pick. If that is the handshake manifest (0x000001FF),
	// the server lists versions and capabilities and the client answers
	// with 4 bytes and a varint before its first message. Server bytes are
	// forwarded as they come (a client may not cope with a split answer).
	if !relay(c, s, 20) {
		return
	}
	var spoke atomic.Bool // the server answered since the client last spoke
	spoke.Store(true)
	picked := make(chan []byte, 1) // the server's first 4 bytes
	go forwardServer(c, s, &spoke, picked)
	head, ok := <-picked
	if !ok {
		return
	}
	if bytes.Equal(head, []byte{0, 0, 1, 0xFF}) {
		if !relay(c, s, 4) {
			return
		}
		if _, ok := relayVarint(c, s); !ok {
			return
		}
	}
	p := boltParser{}
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			// Parse before forwarding: the server cannot answer a message
			// that it has not received, so pipelining is seen as such.
			for _, sig := range p.feed(buf[:n]) {
				if spoke.Swap(false) {
					b.turns.Add(1)
				}
				if sig == boltRUN {
					b.runs.Add(1)
				}
			}
			if _, werr := s.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// forwardServer copies the server's bytes to the client as they come,
// noting that the server spoke, and hands the first 4 (its pick of
// version) to picked, which it closes if the server ends before them.
func forwardServer(c, s net.Conn, spoke *atomic.Bool, picked chan<- []byte) {
	buf := make([]byte, 32<<10)
	var head []byte
	announced := false
	for {
		n, err := s.Read(buf)
		if n > 0 {
			if !announced {
				if head = append(head, buf[:n]...); len(head) >= 4 {
					picked <- head[:4]
					announced = true
				}
			}
			spoke.Store(true)
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if !announced {
				close(picked)
			}
			c.Close()
			return
		}
	}
}

// relay copies exactly n bytes.
func relay(from, to net.Conn, n int64) bool {
	m, err := io.CopyN(to, from, n)
	return err == nil && m == n
}

// relayVarint copies one base-128 varint (the handshake manifest's integers).
func relayVarint(from, to net.Conn) (uint64, bool) {
	var v uint64
	var b [1]byte
	for shift := 0; shift < 64; shift += 7 {
		if _, err := io.ReadFull(from, b[:]); err != nil {
			return 0, false
		}
		if _, err := to.Write(b[:]); err != nil {
			return 0, false
		}
		v |= uint64(b[0]&0x7F) << shift
		if b[0]&0x80 == 0 {
			return v, true
		}
	}
	return 0, false
}

// boltParser follows the chunk framing of the client's stream and reports
// the signature of each message as it starts.
type boltParser struct {
	hdr     []byte // partial chunk header
	left    int    // bytes left in the current chunk
	inMsg   int    // bytes of the current message seen so far
	pending bool   // the message started but its signature byte is still to come
}

func (p *boltParser) feed(data []byte) (sigs []byte) {
	for len(data) > 0 {
		if p.left == 0 {
			p.hdr = append(p.hdr, data[0])
			data = data[1:]
			if len(p.hdr) < 2 {
				continue
			}
			size := int(binary.BigEndian.Uint16(p.hdr))
			p.hdr = p.hdr[:0]
			if size == 0 { // end of message
				p.inMsg = 0
				continue
			}
			p.left = size
			continue
		}
		k := min(p.left, len(data))
		for i := range k {
			if p.inMsg+i == 1 { // byte 0 is the struct marker, byte 1 the signature
				sigs = append(sigs, data[i])
			}
		}
		p.inMsg += k
		p.left -= k
		data = data[k:]
	}
	return sigs
}

// RoundTrips is how many Cypher statements and Bolt round trips one request
// of a read costs a contestant, measured through boltCounter.
type RoundTrips struct {
	Query      string  `json:"query"`
	Contestant string  `json:"contestant"`
	Statements float64 `json:"statementsPerRequest"`
	RoundTrips float64 `json:"roundTripsPerRequest"`
}

// countRoundTrips starts a second instance of ours (gateway only) and of
// the peer, and a driver of our own, all talking to Neo4j through the
// counting proxy, and sends each read RoundTripReqs times, one at a time,
// after a warm-up (connections open, schema checks done).
func (r *runner) countRoundTrips(ctx context.Context) error {
	host := r.srv.Neo4jURI[len("bolt://"):]
	bc, err := startBoltCounter(host)
	if err != nil {
		return err
	}
	defer bc.close()
	port, err := freePort()
	if err != nil {
		return err
	}
	env := r.ourEnv(r.prefix, "bench-"+r.tag, port)
	env = append(env, "NEO4J_URI="+bc.uri())
	ours2, err := startOurs(ctx, r.bin, r.tmp, "ours-counted", "gateway", env, port)
	if err != nil {
		return err
	}
	defer ours2.stop()
	peerURL := ""
	if r.peer != nil {
		p2, err := startPeer(ctx, r.peer.cmd.Dir, r.tmp, "peer-counted", r.srv, bc.uri())
		if err != nil {
			return err
		}
		defer p2.stop()
		peerURL = p2.url
	}
	d, err := neo4j.NewDriverWithContext(bc.uri(), neo4j.BasicAuth(r.srv.Neo4jUser, r.srv.Neo4jPwd, ""))
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	n := r.cfg.RoundTripReqs
	for _, q := range readQueries {
		for _, c := range r.answering(q, r.contestants(d, ours2.url, peerURL)) {
			for seq := range 3 {
				id, tok := r.subject(q, 7, seq)
				if _, err := c.do(ctx, q, id, tok, false); err != nil {
					return fmt.Errorf("round trips, %s, %s: %w", q.name, c.name, err)
				}
			}
			runs0, turns0 := bc.runs.Load(), bc.turns.Load()
			for seq := range n {
				id, tok := r.subject(q, 8, seq)
				if _, err := c.do(ctx, q, id, tok, false); err != nil {
					return fmt.Errorf("round trips, %s, %s: %w", q.name, c.name, err)
				}
			}
			rt := RoundTrips{Query: q.name, Contestant: c.name,
				Statements: float64(bc.runs.Load()-runs0) / float64(n), RoundTrips: float64(bc.turns.Load()-turns0) / float64(n)}
			r.rep.RoundTrips = append(r.rep.RoundTrips, rt)
			r.logf("  %-32s %-6s %s statements, %s round trips per request", q.name, c.name,
				strconv.FormatFloat(rt.Statements, 'f', -1, 64), strconv.FormatFloat(rt.RoundTrips, 'f', -1, 64))
		}
	}
	return nil
}
