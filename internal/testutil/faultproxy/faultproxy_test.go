package faultproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// echoServer answers each line with itself until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip writes line and reads a line back within wait (the error is
// os.ErrDeadlineExceeded when nothing came back in time).
func roundTrip(t *testing.T, c net.Conn, r *bufio.Reader, line string, wait time.Duration) (string, error) {
	t.Helper()
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		return "", err
	}
	if err := c.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	return r.ReadString('\n')
}

// TestProxy: bytes flow through; while paused none do, either way, and
// a connection opened meanwhile gets through only after Resume; DropAll
// ends every connection; the proxy accepts new ones afterwards.
func TestProxy(t *testing.T) {
	p := Start(t, echoServer(t))
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if got, err := roundTrip(t, c, r, "one", 30*time.Second); err != nil || got != "one\n" {
		t.Fatalf("through the proxy: %q, %v", got, err)
	}

	p.Pause()
	// Paused, nothing can come back however long one waits: the short
	// wait can only make the check weaker, never fail it wrongly.
	if got, err := roundTrip(t, c, r, "two", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("paused: read %q, %v; want nothing", got, err)
	}
	late, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	lr := bufio.NewReader(late)
	if got, err := roundTrip(t, late, lr, "late", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection opened while paused: read %q, %v; want nothing", got, err)
	}
	p.Resume()
	if err := c.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, err := r.ReadString('\n'); err != nil || got != "two\n" {
		t.Fatalf("after Resume: %q, %v; want the held line", got, err)
	}
	if err := late.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, err := lr.ReadString('\n'); err != nil || got != "late\n" {
		t.Fatalf("late connection after Resume: %q, %v", got, err)
	}

	if n := p.DropAll(); n != 4 {
		t.Errorf("DropAll closed %d connections, want 4 (two client and two server sides)", n)
	}
	if err := c.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read after DropAll: %v, want the connection closed", err)
	}
	again, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, err := roundTrip(t, again, bufio.NewReader(again), "three", 30*time.Second); err != nil || got != "three\n" {
		t.Fatalf("new connection after DropAll: %q, %v", got, err)
	}
}
