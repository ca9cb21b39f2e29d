package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// store is one isolated, empty queue database of a back end. open may be
// called several times (reopen, or several "controllers" on one database).
type store struct {
	open func(opts ...Option) (Queue, error)
	raw  *sql.DB // direct access, for checks the API cannot make
}

type backend struct {
	name  string
	fresh func(t testing.TB) store
	// handles is how many Queue handles the concurrency test opens on one
	// database: several for Postgres (several controllers); one for SQLite,
	// whose cross-process locking polls and so starves a second writer
	// process under sustained contention (see OpenSQLite).
	handles int
}

// fakeClock is the injected clock: tests move time explicitly.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is what each conformance case gets: a fresh queue on a fake clock.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *fakeClock
	q     Queue
	st    store
}

func openEnv(t *testing.T, b backend, opts ...Option) *env {
	t.Helper()
	st := b.fresh(t)
	clock := newClock()
	q, err := st.open(append([]Option{WithClock(clock.Now)}, opts...)...)
	if err != nil {
		t.Fatalf("open %s: %v", b.name, err)
	}
	t.Cleanup(func() { q.Close() })
	return &env{t: t, ctx: context.Background(), clock: clock, q: q, st: st}
}

func (e *env) enqueue(t Task) bool {
	e.t.Helper()
	added, err := e.q.Enqueue(e.ctx, t)
	if err != nil {
		e.t.Fatalf("Enqueue(%s): %v", t.Key, err)
	}
	return added
}

func (e *env) lease(worker string, n int, d time.Duration) []Task {
	e.t.Helper()
	ts, err := e.q.Lease(e.ctx, worker, n, d)
	if err != nil {
		e.t.Fatalf("Lease(%s, %d): %v", worker, n, err)
	}
	return ts
}

func (e *env) get(id string) Task {
	e.t.Helper()
	t, err := e.q.Get(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Get(%s): %v", id, err)
	}
	return t
}

func (e *env) counts() map[State]int {
	e.t.Helper()
	c, err := e.q.Counts(e.ctx)
	if err != nil {
		e.t.Fatalf("Counts: %v", err)
	}
	return c
}

func ids(ts []Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func task(id string, p Priority) Task {
	return Task{ID: id, Key: "reg.example/" + id + "@sha256:0", Priority: p, Payload: []byte(`{"id":"` + id + `"}`)}
}

// conformance is the suite every back end must pass.
var conformance = []struct {
	name string
	run  func(t *testing.T, b backend)
}{
	{"EnqueueFields", testEnqueueFields},
	{"EnqueueDedup", testEnqueueDedup},
	{"EnqueueBatch", testEnqueueBatch},
	{"EnqueueAfterCheck", testEnqueueAfterCheck},
	{"PriorityOrder", testPriorityOrder},
	{"NotBefore", testNotBefore},
	{"LeaseExclusiveConcurrent", testLeaseExclusiveConcurrent},
	{"LeaseExpiry", testLeaseExpiry},
	{"ExpiredButNotRetaken", testExpiredButNotRetaken},
	{"Heartbeat", testHeartbeat},
	{"FailBackoff", testFailBackoff},
	{"ExpiredExhaustedFails", testExpiredExhaustedFails},
	{"Release", testRelease},
	{"ReleaseWorker", testReleaseWorker},
	{"Requeue", testRequeue},
	{"Counts", testCounts},
	{"GetListPurge", testGetListPurge},
	{"Reopen", testReopen},
	{"NewerSchemaRefused", testNewerSchemaRefused},
	{"BadArguments", testBadArguments},
	{"OddStrings", testOddStrings},
	{"LeaseLimited", testLeaseLimited},
	{"LeaseLimitedConcurrent", testLeaseLimitedConcurrent},
}

func runConformance(t *testing.T, b backend) {
	for _, c := range conformance {
		t.Run(c.name, func(t *testing.T) { c.run(t, b) })
	}
}

func testEnqueueFields(t *testing.T, b backend) {
	e := openEnv(t, b)
	in := Task{ID: "a", Key: "k-a", Payload: []byte{0, 1, 2, 255}, Priority: PriorityOnPush, MaxAttempts: 7,
		// Ignored on enqueue:
		State: StateDone, Attempts: 3, LeasedBy: "x", LeaseExpires: e.clock.Now().Add(time.Hour)}
	if !e.enqueue(in) {
		t.Fatal("first Enqueue not added")
	}
	got := e.get("a")
	want := Task{ID: "a", Key: "k-a", Payload: []byte{0, 1, 2, 255}, Priority: PriorityOnPush, State: StateQueued,
		MaxAttempts: 7, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}
	if !equalTask(got, want) {
		t.Errorf("Get = %+v\nwant  %+v", got, want)
	}
	// No ID and no MaxAttempts: generated and defaulted.
	if !e.enqueue(Task{Key: "k-b"}) {
		t.Fatal("Enqueue without ID not added")
	}
	l, err := e.q.List(e.ctx, ListFilter{Key: "k-b"})
	if err != nil || len(l) != 1 {
		t.Fatalf("List(k-b) = %v, %v", l, err)
	}
	if len(l[0].ID) != 32 || l[0].MaxAttempts != DefaultMaxAttempts || l[0].Payload != nil {
		t.Errorf("generated task = %+v, want 32-hex id, MaxAttempts %d, nil payload", l[0], DefaultMaxAttempts)
	}
}

func equalTask(a, b Task) bool {
	return a.ID == b.ID && a.Key == b.Key && string(a.Payload) == string(b.Payload) && a.Priority == b.Priority &&
		a.State == b.State && a.Attempts == b.Attempts && a.MaxAttempts == b.MaxAttempts && a.LeasedBy == b.LeasedBy &&
		a.LeaseExpires.Equal(b.LeaseExpires) && a.NotBefore.Equal(b.NotBefore) && a.CreatedAt.Equal(b.CreatedAt) &&
		a.UpdatedAt.Equal(b.UpdatedAt) && a.LastError == b.LastError
}

func testEnqueueDedup(t *testing.T, b backend) {
	e := openEnv(t, b)
	// Each step enqueues a task with the given key, after optionally moving
	// the live task of that key to another state.
	steps := []struct {
		name    string
		id, key string
		before  func(e *env) // runs first
		added   bool
	}{
		{name: "new key", id: "1", key: "A", added: true},
		{name: "same key while queued", id: "2", key: "A", added: false},
		{name: "other key", id: "3", key: "B", added: true},
		{name: "same key while leased", id: "4", key: "A", added: false, before: func(e *env) {
			if got := ids(e.lease("w", 1, time.Minute)); !slices.Equal(got, []string{"1"}) {
				e.t.Fatalf("leased %v, want [1]", got)
			}
		}},
		{name: "same key after done", id: "5", key: "A", added: true, before: func(e *env) {
			if err := e.q.Complete(e.ctx, "w", "1"); err != nil {
				e.t.Fatal(err)
			}
		}},
		{name: "same key again while the new one is queued", id: "6", key: "A", added: false},
		{name: "same key after failed", id: "7", key: "B", added: true, before: func(e *env) {
			got := e.lease("w", 2, time.Minute) // 5 (A) and 3 (B), both priority 0
			if len(got) != 2 {
				e.t.Fatalf("leased %v, want 2 tasks", ids(got))
			}
			for _, tk := range got {
				if tk.Key == "B" {
					if err := e.q.Fail(e.ctx, "w", tk.ID, "boom"); err != nil {
						e.t.Fatal(err)
					}
				}
			}
			// B had MaxAttempts 1 (see below), so it is failed now.
			if s := e.get("3").State; s != StateFailed {
				e.t.Fatalf("task 3 state %s, want failed", s)
			}
		}},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before(e)
		}
		got := e.enqueue(Task{ID: s.id, Key: s.key, MaxAttempts: 1})
		if got != s.added {
			t.Fatalf("%s: Enqueue(%s, %s) added = %v, want %v", s.name, s.id, s.key, got, s.added)
		}
		if _, err := e.q.Get(e.ctx, s.id); (err == nil) != s.added {
			t.Fatalf("%s: Get(%s) err = %v, want present = %v", s.name, s.id, err, s.added)
		}
	}
	// Reusing an id is an error, not a silent dedup.
	if _, err := e.q.Enqueue(e.ctx, Task{ID: "1", Key: "C"}); err == nil {
		t.Error("Enqueue with an existing id and a new key: no error")
	}
}

func testEnqueueBatch(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(task("x0", 0))
	var batch []Task
	for i := range 50 {
		batch = append(batch, task(fmt.Sprintf("x%d", i), 0))
	}
	batch[10].ID, batch[11].ID = "dup-a", "dup-b"
	batch[11].Key = batch[10].Key // a duplicate inside the batch
	// x0's key is live already, and x11 duplicates x10: 48 new.
	n, err := e.q.EnqueueBatch(e.ctx, append(batch[1:], Task{ID: "y", Key: batch[0].Key}))
	if err != nil {
		t.Fatal(err)
	}
	if n != 48 {
		t.Errorf("EnqueueBatch added %d, want 48", n)
	}
	if c := e.counts()[StateQueued]; c != 49 {
		t.Errorf("queued = %d, want 49", c)
	}
	// A bad task rolls back the whole batch.
	before := e.counts()[StateQueued]
	if _, err := e.q.EnqueueBatch(e.ctx, []Task{task("z1", 0), {ID: "z2"}}); err == nil {
		t.Error("batch with a keyless task: no error")
	}
	if c := e.counts()[StateQueued]; c != before {
		t.Errorf("queued after failed batch = %d, want %d (rolled back)", c, before)
	}
}

// testEnqueueAfterCheck: a task dated by its caller's check (CreatedAt)
// is not added when a task of its key was completed after that check (a
// crawl that found the image unscanned while its task was finishing: the
// TestFleetLosesNothing duplicates), and is added when the completion
// came before the check, or the earlier task failed.
func testEnqueueAfterCheck(t *testing.T, b backend) {
	e := openEnv(t, b)
	finish := func(id, key string, fail bool) {
		e.t.Helper()
		e.enqueue(Task{ID: id, Key: key, MaxAttempts: 1})
		if got := ids(e.lease("w", 1, time.Minute)); !slices.Equal(got, []string{id}) {
			e.t.Fatalf("leased %v, want [%s]", got, id)
		}
		var err error
		if fail {
			err = e.q.Fail(e.ctx, "w", id, "boom")
		} else {
			err = e.q.Complete(e.ctx, "w", id)
		}
		if err != nil {
			e.t.Fatal(err)
		}
	}
	checked := e.clock.Now()
	e.clock.Advance(time.Second)
	finish("a1", "A", false) // done after the check
	finish("b1", "B", true)  // failed after the check
	e.clock.Advance(time.Second)
	finish("c1", "C", false)
	checkedLater := e.clock.Now() // after c1 was done
	e.clock.Advance(time.Second)
	n, err := e.q.EnqueueBatch(e.ctx, []Task{
		{ID: "a2", Key: "A", CreatedAt: checked},
		{ID: "b2", Key: "B", CreatedAt: checked},
		{ID: "c2", Key: "C", CreatedAt: checkedLater},
		{ID: "d2", Key: "D", CreatedAt: checked},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("EnqueueBatch added %d, want 3 (all but A, done after its check)", n)
	}
	for id, want := range map[string]bool{"a2": false, "b2": true, "c2": true, "d2": true} {
		if _, err := e.q.Get(e.ctx, id); (err == nil) != want {
			t.Errorf("Get(%s) err = %v, want present = %v", id, err, want)
		}
	}
	// Undated, A is added: only a caller's check date makes the skip.
	if !e.enqueue(Task{ID: "a3", Key: "A"}) {
		t.Error("undated task of a done key not added")
	}
}

func testPriorityOrder(t *testing.T, b backend) {
	e := openEnv(t, b)
	in := []struct {
		id string
		p  Priority
	}{
		{"p1", PriorityPeriodic}, {"o1", PriorityOnPush}, {"p2", PriorityPeriodic}, {"m1", PriorityManual},
		{"o2", PriorityOnPush}, {"p3", PriorityPeriodic}, {"m2", PriorityManual}, {"o3", PriorityOnPush},
	}
	type ent struct {
		id      string
		p       Priority
		created time.Time
	}
	var want []ent
	for _, x := range in {
		e.clock.Advance(time.Second) // distinct, increasing CreatedAt
		e.enqueue(task(x.id, x.p))
		want = append(want, ent{x.id, x.p, e.clock.Now()})
	}
	sort.SliceStable(want, func(i, j int) bool {
		if want[i].p != want[j].p {
			return want[i].p > want[j].p
		}
		return want[i].created.Before(want[j].created)
	})
	var wantIDs []string
	for _, w := range want {
		wantIDs = append(wantIDs, w.id)
	}
	// One at a time, then the same order handed out in one batch.
	var got []string
	for range in {
		got = append(got, ids(e.lease("w", 1, time.Minute))...)
	}
	if !slices.Equal(got, wantIDs) {
		t.Errorf("lease order one by one = %v, want %v", got, wantIDs)
	}
	if n, err := e.q.ReleaseWorker(e.ctx, "w"); err != nil || n != len(in) {
		t.Fatalf("ReleaseWorker = %d, %v", n, err)
	}
	if got := ids(e.lease("w2", 100, time.Minute)); !slices.Equal(got, wantIDs) {
		t.Errorf("lease order in one batch = %v, want %v", got, wantIDs)
	}
	// An explicit older CreatedAt (a task re-queued by the controller)
	// goes ahead of its priority class.
	e.enqueue(Task{ID: "late", Key: "late", CreatedAt: e.clock.Now().Add(-time.Hour)})
	e.enqueue(Task{ID: "later", Key: "later"})
	if got := ids(e.lease("w3", 2, time.Minute)); !slices.Equal(got, []string{"late", "later"}) {
		t.Errorf("lease = %v, want [late later]", got)
	}
	// Tasks of one batch share CreatedAt: they go in batch order.
	var batch []Task
	var batchIDs []string
	for i := range 12 {
		id := fmt.Sprintf("b%02d", 11-i) // ids sort opposite to batch order
		batch = append(batch, task(id, PriorityOnPush))
		batchIDs = append(batchIDs, id)
	}
	if _, err := e.q.EnqueueBatch(e.ctx, batch); err != nil {
		t.Fatal(err)
	}
	if got := ids(e.lease("w4", 12, time.Minute)); !slices.Equal(got, batchIDs) {
		t.Errorf("lease of one batch = %v, want %v", got, batchIDs)
	}
}

func testNotBefore(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(Task{ID: "future", Key: "f", Priority: PriorityManual, NotBefore: e.clock.Now().Add(time.Minute)})
	e.enqueue(Task{ID: "now", Key: "n"})
	if got := ids(e.lease("w", 10, time.Hour)); !slices.Equal(got, []string{"now"}) {
		t.Fatalf("lease = %v, want [now]", got)
	}
	e.clock.Advance(time.Minute - time.Nanosecond)
	if got := e.lease("w", 10, time.Hour); len(got) != 0 {
		t.Fatalf("lease before NotBefore = %v, want none", ids(got))
	}
	e.clock.Advance(time.Nanosecond)
	if got := ids(e.lease("w", 10, time.Hour)); !slices.Equal(got, []string{"future"}) {
		t.Fatalf("lease at NotBefore = %v, want [future]", got)
	}
}

// testLeaseExclusiveConcurrent: 8 goroutines, spread over the back end's
// Queue handles on one database, each enqueue 200 tasks while all of them
// lease and complete: every task is leased exactly once and none is lost.
func testLeaseExclusiveConcurrent(t *testing.T, b backend) {
	const workers, perWorker = 8, 200
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
	var (
		mu         sync.Mutex
		leasedBy   = map[string][]string{}
		enqDone    atomic.Int32
		stop       atomic.Bool // set by the first goroutine that fails, so the others end too
		wg         sync.WaitGroup
		errs       = make(chan error, workers)
		totalTasks = workers * perWorker
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, name := handles[w%len(handles)], fmt.Sprintf("worker-%d", w)
			next := 0
			fail := func(err error) {
				stop.Store(true)
				errs <- err
			}
			for round := 0; !stop.Load(); round++ {
				if next < perWorker {
					var batch []Task
					for range 10 {
						batch = append(batch, task(fmt.Sprintf("w%d-t%03d", w, next), Priority(next%3)))
						next++
					}
					if _, err := q.EnqueueBatch(ctx, batch); err != nil {
						fail(err)
						return
					}
					if next == perWorker {
						enqDone.Add(1)
					}
				}
				got, err := q.Lease(ctx, name, 1+round%4, time.Hour)
				if err != nil {
					fail(err)
					return
				}
				if len(got) == 0 && enqDone.Load() == workers {
					return
				}
				mu.Lock()
				for _, tk := range got {
					leasedBy[tk.ID] = append(leasedBy[tk.ID], name)
				}
				mu.Unlock()
				for _, tk := range got {
					if err := q.Complete(ctx, name, tk.ID); err != nil {
						fail(fmt.Errorf("%s completing its own lease: %w", name, err))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(leasedBy) != totalTasks {
		t.Errorf("%d distinct tasks leased, want %d", len(leasedBy), totalTasks)
	}
	for id, by := range leasedBy {
		if len(by) != 1 {
			t.Errorf("task %s leased %d times, by %v", id, len(by), by)
		}
	}
	c, err := handles[0].Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (map[State]int{StateDone: totalTasks, StateQueued: 0, StateLeased: 0, StateFailed: 0}); !mapsEqual(c, want) {
		t.Errorf("Counts = %v, want %v", c, want)
	}
}

func mapsEqual(a, b map[State]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func testLeaseExpiry(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(task("a", 0))
	first := e.lease("w1", 1, time.Minute)
	if len(first) != 1 || first[0].LeasedBy != "w1" || first[0].Attempts != 1 ||
		!first[0].LeaseExpires.Equal(e.clock.Now().Add(time.Minute)) {
		t.Fatalf("first lease = %+v", first)
	}
	e.clock.Advance(time.Minute - time.Nanosecond)
	if got := e.lease("w2", 1, time.Minute); len(got) != 0 {
		t.Fatalf("lease before expiry returned %v", ids(got))
	}
	e.clock.Advance(time.Nanosecond)
	second := e.lease("w2", 1, time.Minute)
	if len(second) != 1 || second[0].ID != "a" || second[0].LeasedBy != "w2" || second[0].Attempts != 2 {
		t.Fatalf("lease after expiry = %+v, want a held by w2 on attempt 2", second)
	}
	before := e.get("a")
	// The stale holder can do nothing to the task.
	stale := []struct {
		name string
		call func() error
	}{
		{"Complete", func() error { return e.q.Complete(e.ctx, "w1", "a") }},
		{"Fail", func() error { return e.q.Fail(e.ctx, "w1", "a", "late") }},
		{"Heartbeat", func() error { return e.q.Heartbeat(e.ctx, "w1", []string{"a"}, time.Hour) }},
		{"Release", func() error { return e.q.Release(e.ctx, "w1", []string{"a"}) }},
	}
	for _, s := range stale {
		if err := s.call(); !errors.Is(err, ErrLeaseLost) {
			t.Errorf("stale %s: err = %v, want ErrLeaseLost", s.name, err)
		}
		if got := e.get("a"); !equalTask(got, before) {
			t.Errorf("stale %s changed the task:\n%+v\nwas\n%+v", s.name, got, before)
		}
	}
	if err := e.q.Complete(e.ctx, "w2", "a"); err != nil {
		t.Fatalf("holder's Complete: %v", err)
	}
	if got := e.get("a"); got.State != StateDone || got.LeasedBy != "w2" {
		t.Errorf("after Complete: %+v", got)
	}
	if err := e.q.Complete(e.ctx, "w2", "a"); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("second Complete: err = %v, want ErrLeaseLost", err)
	}
	if err := e.q.Complete(e.ctx, "w2", "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Complete of unknown id: err = %v, want ErrNotFound", err)
	}
}

func testExpiredButNotRetaken(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(task("a", 0))
	e.lease("w1", 1, time.Minute)
	e.clock.Advance(time.Hour)
	// Runnable again (counted as queued work) but still w1's until taken.
	if c := e.counts(); c[StateQueued] != 1 || c[StateLeased] != 0 {
		t.Errorf("Counts = %v, want the expired lease counted as queued", c)
	}
	if err := e.q.Complete(e.ctx, "w1", "a"); err != nil {
		t.Fatalf("Complete of an expired lease nobody took: %v", err)
	}
	if got := e.lease("w2", 1, time.Minute); len(got) != 0 {
		t.Errorf("completed task leased again: %v", ids(got))
	}
}

func testHeartbeat(t *testing.T, b backend) {
	e := openEnv(t, b)
	for _, id := range []string{"a", "b", "c"} {
		e.enqueue(task(id, 0))
	}
	e.lease("w1", 2, time.Minute) // a, b
	e.lease("w2", 1, time.Minute) // c
	for range 5 {
		e.clock.Advance(50 * time.Second)
		if err := e.q.Heartbeat(e.ctx, "w1", []string{"a", "b"}, time.Minute); err != nil {
			t.Fatalf("Heartbeat: %v", err)
		}
	}
	// 250s after a 60s lease: a and b are kept, c (no heartbeat) is not.
	got := e.lease("w3", 10, time.Minute)
	if !slices.Equal(ids(got), []string{"c"}) {
		t.Fatalf("w3 leased %v, want [c]", ids(got))
	}
	if a := e.get("a"); a.LeasedBy != "w1" || !a.LeaseExpires.Equal(e.clock.Now().Add(time.Minute)) {
		t.Errorf("a after heartbeats = %+v", a)
	}
	// Mixed ids: held ones are extended, the rest reported.
	e.clock.Advance(30 * time.Second)
	err := e.q.Heartbeat(e.ctx, "w1", []string{"a", "c", "missing", "b"}, 2*time.Minute)
	var lost *LeaseLostError
	if !errors.As(err, &lost) || !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Heartbeat with lost ids: err = %v, want *LeaseLostError", err)
	}
	if !slices.Equal(lost.IDs, []string{"c", "missing"}) || lost.Worker != "w1" {
		t.Errorf("LeaseLostError = %+v, want w1 lost [c missing]", lost)
	}
	for _, id := range []string{"a", "b"} {
		if got := e.get(id); !got.LeaseExpires.Equal(e.clock.Now().Add(2 * time.Minute)) {
			t.Errorf("%s LeaseExpires = %v, want now+2m", id, got.LeaseExpires)
		}
	}
	// Many ids (more than one IN chunk).
	var many []string
	for i := range 1200 {
		many = append(many, fmt.Sprintf("nope-%d", i))
	}
	err = e.q.Heartbeat(e.ctx, "w1", append(many, "a"), time.Minute)
	if !errors.As(err, &lost) || len(lost.IDs) != 1200 {
		t.Errorf("Heartbeat of 1201 ids: err = %v", err)
	}
}

func testFailBackoff(t *testing.T, b backend) {
	e := openEnv(t, b, WithBackoff(10*time.Second, 15*time.Second))
	e.enqueue(Task{ID: "a", Key: "a", MaxAttempts: 4})
	// After attempt n the task waits backoff(n): 10s, 15s (capped), 15s;
	// attempt 4 is the last.
	waits := []time.Duration{10 * time.Second, 15 * time.Second, 15 * time.Second}
	for attempt := 1; attempt <= 4; attempt++ {
		got := e.lease("w", 1, time.Minute)
		if len(got) != 1 || got[0].Attempts != attempt {
			t.Fatalf("attempt %d: leased %+v", attempt, got)
		}
		cause := fmt.Sprintf("cause %d", attempt)
		if err := e.q.Fail(e.ctx, "w", "a", cause); err != nil {
			t.Fatalf("attempt %d: Fail: %v", attempt, err)
		}
		tk := e.get("a")
		if tk.LastError != cause {
			t.Errorf("attempt %d: LastError = %q, want %q", attempt, tk.LastError, cause)
		}
		if attempt == 4 {
			if tk.State != StateFailed || tk.LeasedBy != "w" || tk.Attempts != 4 {
				t.Errorf("after last attempt: %+v, want failed, last holder w", tk)
			}
			break
		}
		wait := waits[attempt-1]
		if tk.State != StateQueued || tk.LeasedBy != "" || !tk.NotBefore.Equal(e.clock.Now().Add(wait)) {
			t.Errorf("attempt %d: %+v, want queued until now+%v", attempt, tk, wait)
		}
		e.clock.Advance(wait - time.Nanosecond)
		if got := e.lease("w", 1, time.Minute); len(got) != 0 {
			t.Fatalf("attempt %d: leased during backoff", attempt)
		}
		e.clock.Advance(time.Nanosecond)
	}
	e.clock.Advance(24 * time.Hour)
	if got := e.lease("w", 1, time.Minute); len(got) != 0 {
		t.Errorf("failed task leased again: %v", ids(got))
	}
	if c := e.counts(); c[StateFailed] != 1 || c[StateQueued] != 0 {
		t.Errorf("Counts = %v", c)
	}
	// A huge cause is kept, truncated.
	e.enqueue(Task{ID: "big", Key: "big", MaxAttempts: 1})
	e.lease("w", 1, time.Minute)
	if err := e.q.Fail(e.ctx, "w", "big", strings.Repeat("é", maxErrorLen)); err != nil {
		t.Fatal(err)
	}
	if got := e.get("big").LastError; len(got) > maxErrorLen || !strings.HasPrefix(got, "éé") {
		t.Errorf("LastError of a huge cause has %d bytes, want <= %d", len(got), maxErrorLen)
	}
}

func TestBackoff(t *testing.T) {
	c := newConfig([]Option{WithBackoff(time.Second, 10*time.Second)})
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second},
		{5, 10 * time.Second}, {64, 10 * time.Second}, {1 << 30, 10 * time.Second}} {
		if got := c.backoff(tc.attempt); got != tc.want {
			t.Errorf("backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}

func testExpiredExhaustedFails(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(Task{ID: "poison", Key: "poison", MaxAttempts: 2, Priority: PriorityManual})
	e.enqueue(Task{ID: "ok", Key: "ok"})
	for attempt := 1; attempt <= 2; attempt++ {
		got := e.lease(fmt.Sprintf("w%d", attempt), 1, time.Minute)
		if len(got) != 1 || got[0].ID != "poison" {
			t.Fatalf("attempt %d leased %v", attempt, ids(got))
		}
		e.clock.Advance(time.Minute) // the worker died
	}
	if got := ids(e.lease("w3", 5, time.Minute)); !slices.Equal(got, []string{"ok"}) {
		t.Errorf("leased %v, want [ok] (poison is out of attempts)", got)
	}
	p := e.get("poison")
	if p.State != StateFailed || !strings.Contains(p.LastError, "w2") || !strings.Contains(p.LastError, "expired") {
		t.Errorf("poison = %+v, want failed with the expiry in LastError", p)
	}
}

func testRelease(t *testing.T, b backend) {
	e := openEnv(t, b)
	for _, id := range []string{"a", "b", "c"} {
		e.enqueue(task(id, 0))
	}
	e.lease("w1", 3, time.Hour)
	if err := e.q.Release(e.ctx, "w1", []string{"a", "b"}); err != nil {
		t.Fatalf("Release: %v", err)
	}
	for _, id := range []string{"a", "b"} {
		if got := e.get(id); got.State != StateQueued || got.Attempts != 0 || got.LeasedBy != "" {
			t.Errorf("%s after Release = %+v, want queued with no attempt counted", id, got)
		}
	}
	if err := e.q.Complete(e.ctx, "w1", "a"); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("Complete after Release: err = %v, want ErrLeaseLost", err)
	}
	// At once leasable by another worker, and c still w1's.
	if got := ids(e.lease("w2", 10, time.Hour)); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("w2 leased %v, want [a b]", got)
	}
	err := e.q.Release(e.ctx, "w1", []string{"a", "c"})
	var lost *LeaseLostError
	if !errors.As(err, &lost) || !slices.Equal(lost.IDs, []string{"a"}) {
		t.Errorf("Release of a (w2's) and c: err = %v, want lost [a]", err)
	}
	if got := e.get("a"); got.LeasedBy != "w2" {
		t.Errorf("a = %+v, want still w2's", got)
	}
}

func testReleaseWorker(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(Task{ID: "last-try", Key: "l", MaxAttempts: 1, Priority: PriorityManual})
	for _, id := range []string{"a", "b", "c", "d"} {
		e.enqueue(task(id, 0))
	}
	e.lease("w1", 3, time.Hour) // last-try, a, b
	e.lease("w2", 2, time.Hour) // c, d
	n, err := e.q.ReleaseWorker(e.ctx, "w1")
	if err != nil || n != 3 {
		t.Fatalf("ReleaseWorker(w1) = %d, %v; want 3", n, err)
	}
	want := map[string]State{"last-try": StateFailed, "a": StateQueued, "b": StateQueued, "c": StateLeased, "d": StateLeased}
	for id, s := range want {
		if got := e.get(id); got.State != s {
			t.Errorf("%s state = %s, want %s", id, got.State, s)
		}
	}
	if lt := e.get("last-try"); !strings.Contains(lt.LastError, "declared dead") {
		t.Errorf("last-try LastError = %q", lt.LastError)
	}
	if got := ids(e.lease("w3", 10, time.Hour)); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("w3 leased %v, want [a b]", got)
	}
	if n, err := e.q.ReleaseWorker(e.ctx, "nobody"); err != nil || n != 0 {
		t.Errorf("ReleaseWorker(nobody) = %d, %v", n, err)
	}
}

// Requeue takes a done task back (the controller found it done without a
// stored result), refusing anything else: a queued, leased or failed task,
// or a done one whose key already has a live task.
func testRequeue(t *testing.T, b backend) {
	e := openEnv(t, b)
	for _, id := range []string{"done", "twin", "leased", "queued"} {
		e.enqueue(task(id, 0))
	}
	e.lease("w", 3, time.Hour) // done, twin, leased
	for _, id := range []string{"done", "twin"} {
		if err := e.q.Complete(e.ctx, "w", id); err != nil {
			t.Fatal(err)
		}
	}
	// A new live task under twin's key: twin must stay done.
	if !e.enqueue(Task{ID: "twin2", Key: task("twin", 0).Key}) {
		t.Fatal("twin2 not added")
	}
	cases := []struct {
		id    string
		want  bool
		state State
	}{
		{"done", true, StateQueued},
		{"done", false, StateQueued}, // already back
		{"twin", false, StateDone},
		{"leased", false, StateLeased},
		{"queued", false, StateQueued},
	}
	for _, c := range cases {
		got, err := e.q.Requeue(e.ctx, c.id, "no result stored")
		if err != nil || got != c.want {
			t.Errorf("Requeue(%s) = %v, %v; want %v", c.id, got, err, c.want)
		}
		if s := e.get(c.id).State; s != c.state {
			t.Errorf("after Requeue(%s): state %s, want %s", c.id, s, c.state)
		}
	}
	d := e.get("done")
	if d.Attempts != 0 || d.LeasedBy != "" || d.LastError != "no result stored" {
		t.Errorf("requeued task = %+v, want attempt given back, no holder, the cause", d)
	}
	if got := ids(e.lease("w2", 10, time.Hour)); !slices.Contains(got, "done") {
		t.Errorf("w2 leased %v, want the requeued task among them", got)
	}
	if _, err := e.q.Requeue(e.ctx, "nope", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Requeue(unknown) = %v, want ErrNotFound", err)
	}
}

func testCounts(t *testing.T, b backend) {
	e := openEnv(t, b)
	zero := map[State]int{StateQueued: 0, StateLeased: 0, StateDone: 0, StateFailed: 0}
	steps := []struct {
		name string
		do   func(e *env)
		want map[State]int
	}{
		{"empty", func(*env) {}, zero},
		{"six queued", func(e *env) {
			for i := range 6 {
				e.enqueue(Task{ID: fmt.Sprint(i), Key: fmt.Sprint(i), MaxAttempts: 1})
			}
		}, map[State]int{StateQueued: 6, StateLeased: 0, StateDone: 0, StateFailed: 0}},
		{"three leased", func(e *env) { e.lease("w", 3, time.Hour) }, // 0, 1, 2
			map[State]int{StateQueued: 3, StateLeased: 3, StateDone: 0, StateFailed: 0}},
		{"one done, one failed", func(e *env) {
			if err := e.q.Complete(e.ctx, "w", "0"); err != nil {
				e.t.Fatal(err)
			}
			if err := e.q.Fail(e.ctx, "w", "1", "x"); err != nil {
				e.t.Fatal(err)
			}
		}, map[State]int{StateQueued: 3, StateLeased: 1, StateDone: 1, StateFailed: 1}},
		{"a short lease expires", func(e *env) {
			e.lease("v", 1, time.Minute) // 3
			e.clock.Advance(time.Minute)
		}, map[State]int{StateQueued: 3, StateLeased: 1, StateDone: 1, StateFailed: 1}},
		{"backoff still counts as queued", func(e *env) {
			e.enqueue(Task{ID: "r", Key: "r", NotBefore: e.clock.Now().Add(time.Hour)})
		}, map[State]int{StateQueued: 4, StateLeased: 1, StateDone: 1, StateFailed: 1}},
	}
	for _, s := range steps {
		s.do(e)
		if got := e.counts(); !mapsEqual(got, s.want) {
			t.Errorf("%s: Counts = %v, want %v", s.name, got, s.want)
		}
	}
}

func testGetListPurge(t *testing.T, b backend) {
	e := openEnv(t, b)
	if _, err := e.q.Get(e.ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(nope): err = %v, want ErrNotFound", err)
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		e.clock.Advance(time.Second)
		e.enqueue(task(id, 0))
	}
	e.lease("w1", 2, time.Hour) // a, b
	if err := e.q.Complete(e.ctx, "w1", "a"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		f    ListFilter
		want []string
	}{
		{ListFilter{}, []string{"a", "b", "c", "d"}},
		{ListFilter{Limit: 3}, []string{"a", "b", "c"}},
		{ListFilter{States: []State{StateQueued}}, []string{"c", "d"}},
		{ListFilter{States: []State{StateLeased, StateDone}}, []string{"a", "b"}},
		{ListFilter{Worker: "w1", States: []State{StateLeased}}, []string{"b"}},
		{ListFilter{Key: task("c", 0).Key}, []string{"c"}},
		{ListFilter{Key: "none"}, nil},
	}
	for _, c := range cases {
		got, err := e.q.List(e.ctx, c.f)
		if err != nil {
			t.Fatalf("List(%+v): %v", c.f, err)
		}
		if !slices.Equal(ids(got), c.want) {
			t.Errorf("List(%+v) = %v, want %v", c.f, ids(got), c.want)
		}
	}
	// Purge removes only finished tasks older than the cut.
	cut := e.clock.Now().Add(time.Nanosecond)
	e.clock.Advance(time.Second)
	e.lease("w1", 1, time.Hour) // c
	if err := e.q.Complete(e.ctx, "w1", "c"); err != nil {
		t.Fatal(err)
	}
	n, err := e.q.Purge(e.ctx, cut)
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1 (a)", n, err)
	}
	all, _ := e.q.List(e.ctx, ListFilter{})
	if !slices.Equal(ids(all), []string{"b", "c", "d"}) {
		t.Errorf("after Purge: %v, want [b c d]", ids(all))
	}
}

func testReopen(t *testing.T, b backend) {
	st := b.fresh(t)
	clock := newClock()
	q, err := st.open(WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := q.Enqueue(ctx, task("a", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(ctx, task("b", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Lease(ctx, "w", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q2, err := st.open(WithClock(clock.Now))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer q2.Close()
	if c, err := q2.Counts(ctx); err != nil || c[StateQueued] != 1 || c[StateLeased] != 1 {
		t.Errorf("after reopen Counts = %v, %v", c, err)
	}
	var v int
	if err := st.raw.QueryRow(`SELECT version FROM queue_schema`).Scan(&v); err != nil || v != len(sqliteSchema) {
		t.Errorf("schema version = %d, %v; want %d", v, err, len(sqliteSchema))
	}
}

func testNewerSchemaRefused(t *testing.T, b backend) {
	st := b.fresh(t)
	q, err := st.open()
	if err != nil {
		t.Fatal(err)
	}
	q.Close()
	if _, err := st.raw.Exec(`UPDATE queue_schema SET version = 99`); err != nil {
		t.Fatal(err)
	}
	if q, err := st.open(); err == nil {
		q.Close()
		t.Fatal("opened a database with a newer schema")
	} else if !strings.Contains(err.Error(), "newer") {
		t.Errorf("err = %v, want it to say the schema is newer", err)
	}
}

func testBadArguments(t *testing.T, b backend) {
	e := openEnv(t, b)
	e.enqueue(task("a", 0))
	bad := []struct {
		name string
		call func() error
	}{
		{"Enqueue without key", func() error { _, err := e.q.Enqueue(e.ctx, Task{ID: "x"}); return err }},
		{"Lease without worker", func() error { _, err := e.q.Lease(e.ctx, "", 1, time.Minute); return err }},
		{"Lease with zero duration", func() error { _, err := e.q.Lease(e.ctx, "w", 1, 0); return err }},
		{"Heartbeat with negative duration", func() error { return e.q.Heartbeat(e.ctx, "w", []string{"a"}, -time.Second) }},
	}
	for _, c := range bad {
		if err := c.call(); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if got := e.lease("w", 0, time.Minute); len(got) != 0 {
		t.Errorf("Lease(n=0) = %v", ids(got))
	}
	// A canceled context stops a call with its error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.q.Lease(ctx, "w", 1, time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("Lease with canceled ctx: err = %v", err)
	}
	if c := e.counts(); c[StateQueued] != 1 {
		t.Errorf("Counts after bad calls = %v, want the one task still queued", c)
	}
}

// testOddStrings: both back ends store what they accept identically and
// reject the same unstorable names with an error (Postgres TEXT takes no
// NUL and no invalid UTF-8; SQLite would, so the queue checks itself).
func testOddStrings(t *testing.T, b backend) {
	e := openEnv(t, b)
	accepted := []struct{ id, key string }{
		{"quote", `reg.example/a'; DROP TABLE queue_tasks; --@sha256:1`},
		{"unicode", "ghcr.io/ünï/cødé-日本@sha256:2"},
		{"percent?", `reg/%_\\?$1@sha256:3`},
	}
	payload := []byte{0, 0xff, 0xfe, '\'', '?', 0}
	for _, a := range accepted {
		if !e.enqueue(Task{ID: a.id, Key: a.key, Payload: payload, MaxAttempts: 1}) {
			t.Fatalf("%s not added", a.id)
		}
		got := e.get(a.id)
		if got.Key != a.key || string(got.Payload) != string(payload) {
			t.Errorf("%s round trip: key %q payload %x", a.id, got.Key, got.Payload)
		}
		l, err := e.q.List(e.ctx, ListFilter{Key: a.key})
		if err != nil || len(l) != 1 || l[0].ID != a.id {
			t.Errorf("List by key %q = %v, %v", a.key, ids(l), err)
		}
	}
	rejected := []struct {
		name string
		call func() error
	}{
		{"key with invalid UTF-8", func() error { _, err := e.q.Enqueue(e.ctx, Task{Key: "a\xff"}); return err }},
		{"key with NUL", func() error { _, err := e.q.Enqueue(e.ctx, Task{Key: "a\x00b"}); return err }},
		{"id with NUL", func() error { _, err := e.q.Enqueue(e.ctx, Task{ID: "\x00", Key: "k"}); return err }},
		{"worker with invalid UTF-8", func() error { _, err := e.q.Lease(e.ctx, "w\xc3", 1, time.Minute); return err }},
		{"Complete of a NUL id", func() error { return e.q.Complete(e.ctx, "w", "\x00") }},
		{"Heartbeat of an invalid id", func() error { return e.q.Heartbeat(e.ctx, "w", []string{"\xff"}, time.Minute) }},
		{"List by invalid key", func() error { _, err := e.q.List(e.ctx, ListFilter{Key: "\xff"}); return err }},
	}
	for _, r := range rejected {
		if err := r.call(); err == nil {
			t.Errorf("%s: no error", r.name)
		}
	}
	if _, err := e.q.Get(e.ctx, "\xff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of an invalid id: err = %v, want ErrNotFound", err)
	}
	if c := e.counts()[StateQueued]; c != len(accepted) {
		t.Errorf("queued = %d, want %d (rejected calls must add nothing)", c, len(accepted))
	}
	// A cause with NUL and invalid UTF-8 is kept, made storable, and the
	// task still fails over to its next state.
	got := e.lease("w", 1, time.Minute)
	if err := e.q.Fail(e.ctx, "w", got[0].ID, "open /x\x00y\xff: denied"); err != nil {
		t.Fatalf("Fail with an odd cause: %v", err)
	}
	if tk := e.get(got[0].ID); tk.State != StateFailed || tk.LastError != "open /x\uFFFDy\uFFFD: denied" {
		t.Errorf("after Fail: state %s, LastError %q", tk.State, tk.LastError)
	}
}
