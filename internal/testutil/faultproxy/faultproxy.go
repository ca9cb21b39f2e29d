// Package faultproxy is a TCP proxy for fault-injection tests: put it
// between a client and a server (PostgreSQL, say) and it can stall the
// network (Pause: bytes stop flowing both ways and new connections get no
// answer, while the kernel keeps every TCP connection open, as a stalled
// route or a frozen peer does) and cut it (DropAll: every connection
// closed, as a restarted middlebox does).
package faultproxy

import (
	"net"
	"sync"
	"testing"
)

// Proxy forwards the connections made to Addr to its target.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	resumed chan struct{} // closed while forwarding; open while paused
	conns   map[net.Conn]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// Start listens on a free loopback port and forwards to target
// (host:port) until the test ends.
func Start(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("faultproxy: listen: %v", err)
	}
	p := &Proxy{ln: ln, target: target, resumed: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	close(p.resumed)
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// Addr is the address to connect to instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Pause stops forwarding: no byte goes either way, and a connection
// accepted meanwhile reaches the target only after Resume.
func (p *Proxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.resumed:
		p.resumed = make(chan struct{})
	default: // already paused
	}
}

// Resume forwards again what Pause held back.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.resumed:
	default:
		close(p.resumed)
	}
}

// DropAll closes every open connection, both its sides, and returns how
// many connections (client and target sides) it closed. New connections
// are accepted as before.
func (p *Proxy) DropAll() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.conns)
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
	return n
}

// Close stops listening, closes every connection and waits for the
// forwarding goroutines.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.Resume()
	p.DropAll()
	p.wg.Wait()
}

// gate waits while the proxy is paused; false when it is closed.
func (p *Proxy) gate() bool {
	p.mu.Lock()
	ch := p.resumed
	p.mu.Unlock()
	<-ch
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.closed
}

// track registers c for DropAll and Close; false (and c closed) when the
// proxy is closed already.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		if !p.track(c) {
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	defer p.untrack(client)
	if !p.gate() {
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return // the client sees its connection closed, as with a refused one
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)
	done := make(chan struct{}, 2)
	p.wg.Add(2)
	go p.pipe(server, client, done)
	go p.pipe(client, server, done)
	<-done
	// One side ended: end the other, as a proxy that closed the
	// connection would.
	_ = client.Close()
	_ = server.Close()
	<-done
}

// pipe copies from src to dst, each chunk (and the end) only while not
// paused.
func (p *Proxy) pipe(dst, src net.Conn, done chan<- struct{}) {
	defer p.wg.Done()
	defer func() { done <- struct{}{} }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.gate() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			// EOF or a closed connection: serve closes both sides, but
			// not while paused, for a stalled network carries no FIN
			// either (the server must not learn of the close early).
			p.gate()
			return
		}
	}
}
