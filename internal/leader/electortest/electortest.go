// Package electortest runs leader.Electors in tests.
package electortest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/leader"
)

// Running is an Elector running in the background until stop.
type Running struct {
	leader.Elector
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// Start runs e in the background until the test ends or Stop.
func Start(t *testing.T, e leader.Elector) *Running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{Elector: e, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- e.Run(ctx) }()
	t.Cleanup(func() { r.Stop(t) })
	return r
}

// Stop cancels Run and waits for it to return.
func (r *Running) Stop(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("%s: Run: %v", r.Identity(), err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%s: Run did not return after cancel", r.Identity())
		}
	})
}

// WaitFor polls cond; the bound only keeps a broken election from hanging
// the test.
func WaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
