package queue

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func limitedTask(reg, id string, p Priority) Task {
	return Task{ID: reg + "-" + id, Key: reg + "/app@sha256:" + id, Priority: p}
}

// testLeaseLimited: a lease skips the tasks of a prefix at its bound and
// takes the next runnable ones instead; expired leases free their room;
// MaxNew 0 (a paused registry) takes none.
func testLeaseLimited(t *testing.T, b backend) {
	e := openEnv(t, b)
	ll := e.q.(LimitedLeaser)
	for i := range 6 {
		e.enqueue(limitedTask("hub", fmt.Sprint(i), PriorityManual)) // first in lease order
	}
	for i := range 4 {
		e.enqueue(limitedTask("reg", fmt.Sprint(i), PriorityPeriodic))
	}
	hub := []Limit{{Prefix: "hub/", MaxLeased: 2, MaxNew: -1}}
	lease := func(worker string, n int, limits []Limit) (hubs, regs int) {
		t.Helper()
		ts, err := ll.LeaseLimited(e.ctx, worker, n, time.Minute, limits)
		if err != nil {
			t.Fatalf("LeaseLimited: %v", err)
		}
		for _, task := range ts {
			if strings.HasPrefix(task.Key, "hub/") {
				hubs++
			} else {
				regs++
			}
		}
		return hubs, regs
	}
	for _, c := range []struct {
		worker           string
		n                int
		limits           []Limit
		wantHub, wantReg int
	}{
		{"w1", 5, hub, 2, 3}, // two of hub, then the next runnable: reg
		{"w2", 5, hub, 0, 1}, // hub at its bound across workers
		{"w2", 5, []Limit{{Prefix: "hub/", MaxLeased: 3, MaxNew: 0}}, 0, 0}, // paused: no new task of hub
		{"w2", 5, []Limit{{Prefix: "hub/", MaxLeased: 3, MaxNew: -1}}, 1, 0},
	} {
		if h, r := lease(c.worker, c.n, c.limits); h != c.wantHub || r != c.wantReg {
			t.Errorf("LeaseLimited(%s, %d, %+v) = %d of hub, %d of reg; want %d, %d", c.worker, c.n, c.limits, h, r, c.wantHub, c.wantReg)
		}
	}
	got, err := ll.LeasedByPrefix(e.ctx, []string{"hub/", "reg/", "none/"})
	if err != nil {
		t.Fatal(err)
	}
	if got["hub/"] != 3 || got["reg/"] != 4 || got["none/"] != 0 {
		t.Errorf("LeasedByPrefix = %v, want hub/ 3, reg/ 4, none/ 0", got)
	}
	// Expired leases do not count: the room comes back, and the expired
	// tasks are runnable again.
	e.clock.Advance(2 * time.Minute)
	if h, _ := lease("w3", 10, hub); h != 2 {
		t.Errorf("after the leases expired: %d of hub leased, want 2", h)
	}
	// Several limits, and bad ones.
	if _, err := ll.LeaseLimited(e.ctx, "w4", 1, time.Minute, []Limit{{Prefix: ""}}); err == nil {
		t.Error("an empty prefix was accepted")
	}
	if ts, err := ll.LeaseLimited(e.ctx, "w4", 1, time.Minute, nil); err != nil || len(ts) != 1 {
		t.Errorf("LeaseLimited without limits = %d tasks, %v; want a plain lease", len(ts), err)
	}
}

// testLeaseLimitedConcurrent: leasers in several goroutines (and, on
// PostgreSQL, several handles, as several controllers) never hold more
// than MaxLeased tasks of a prefix together.
func testLeaseLimitedConcurrent(t *testing.T, b backend) {
	const workers, rounds, bound = 8, 6, 3
	st := b.fresh(t)
	handles := make([]Queue, b.handles)
	for i := range handles {
		q, err := st.open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Close() })
		handles[i] = q
	}
	ctx := context.Background()
	for i := range 40 {
		if _, err := handles[0].Enqueue(ctx, limitedTask("hub", fmt.Sprint(i), PriorityPeriodic)); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu   sync.Mutex
		held int
		wg   sync.WaitGroup
		errs = make(chan error, workers)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := handles[w%len(handles)].(LimitedLeaser)
			for range rounds {
				ts, err := q.LeaseLimited(ctx, fmt.Sprintf("w%d", w), 2, time.Hour, []Limit{{Prefix: "hub/", MaxLeased: bound, MaxNew: -1}})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				held += len(ts)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if held != bound {
		t.Errorf("%d tasks of hub/ leased together, want exactly the bound %d", held, bound)
	}
}
