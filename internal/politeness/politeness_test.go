package politeness

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/queue"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// settings is an in-memory Shared (the store's Settings are tested by the
// store's conformance suite).
type settings struct {
	mu    sync.Mutex
	m     map[string]string
	reads int
}

func (s *settings) Setting(_ context.Context, name string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	v, ok := s.m[name]
	return v, ok, nil
}

func (s *settings) PutSetting(_ context.Context, name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = value
	return nil
}

var t0 = time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)

func TestLimits(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	g := New(nil, c.now)
	if err := g.Pause(ctx, "paused", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	regs := map[string]Limits{
		"free":    {},
		"bounded": {MaxPulls: 3},
		"rated":   {PullsPerSecond: 2},
		"both":    {MaxPulls: 5, PullsPerSecond: 0.5},
		"paused":  {},
	}
	get := func() map[string]queue.Limit {
		t.Helper()
		ls, err := g.Limits(ctx, regs)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]queue.Limit{}
		for _, l := range ls {
			out[strings.TrimSuffix(l.Prefix, "/")] = l
		}
		return out
	}
	for _, step := range []struct {
		name  string
		do    func()
		wants map[string]queue.Limit // missing: no limit
	}{
		{"at start", func() {}, map[string]queue.Limit{
			"bounded": lim("bounded", 3, -1), "rated": lim("rated", -1, 2), "both": lim("both", 5, 1), "paused": lim("paused", -1, 0)}},
		{"after taking the tokens", func() { g.Took("rated", 2); g.Took("both", 1); g.Took("free", 9) }, map[string]queue.Limit{
			"bounded": lim("bounded", 3, -1), "rated": lim("rated", -1, 0), "both": lim("both", 5, 0), "paused": lim("paused", -1, 0)}},
		{"half a second later", func() { c.add(500 * time.Millisecond) }, map[string]queue.Limit{
			"bounded": lim("bounded", 3, -1), "rated": lim("rated", -1, 1), "both": lim("both", 5, 0), "paused": lim("paused", -1, 0)}},
		{"after the pause", func() { c.add(time.Minute) }, map[string]queue.Limit{
			"bounded": lim("bounded", 3, -1), "rated": lim("rated", -1, 2), "both": lim("both", 5, 1)}},
	} {
		step.do()
		if got := get(); !mapsEqual(got, step.wants) {
			t.Errorf("%s: Limits = %v, want %v", step.name, got, step.wants)
		}
	}
	if _, err := g.Limits(ctx, map[string]Limits{"bad": {MaxPulls: -1}}); err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("negative limits: %v", err)
	}
}

func lim(reg string, maxLeased, maxNew int) queue.Limit {
	return queue.Limit{Prefix: reg + "/", MaxLeased: maxLeased, MaxNew: maxNew}
}

func mapsEqual(a, b map[string]queue.Limit) bool {
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

// TestPauseShared: a 429 reported to one replica pauses the registry on
// another within the refresh interval; a shorter pause does not cut a
// longer one.
func TestPauseShared(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	sh := &settings{m: map[string]string{}}
	a, b := New(sh, c.now), New(sh, c.now)
	if u, err := b.PausedUntil(ctx, "hub"); err != nil || !u.IsZero() {
		t.Fatalf("before: %v, %v", u, err)
	}
	if err := a.Pause(ctx, "hub", t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	c.add(sharedRefresh) // b's cached "not paused" is now stale
	u, err := b.PausedUntil(ctx, "hub")
	if err != nil || !u.Equal(t0.Add(30*time.Second)) {
		t.Errorf("replica b sees the pause until %v, %v; want %v", u, err, t0.Add(30*time.Second))
	}
	if err := b.Pause(ctx, "hub", t0.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	c.add(sharedRefresh)
	if u, _ := a.PausedUntil(ctx, "hub"); !u.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("a shorter pause replaced a longer one: until %v", u)
	}
	ls, err := b.Limits(ctx, map[string]Limits{"hub": {}})
	if err != nil || len(ls) != 1 || ls[0].MaxNew != 0 {
		t.Errorf("Limits of the paused registry on replica b = %v, %v", ls, err)
	}
	// Reads are cached: many lookups within the refresh interval read
	// the store once.
	before := sh.reads
	for range 100 {
		_, _ = b.PausedUntil(ctx, "hub")
	}
	if sh.reads-before > 1 {
		t.Errorf("%d store reads for 100 lookups within %v", sh.reads-before, sharedRefresh)
	}
}

func TestRetryAfter(t *testing.T) {
	for _, c := range []struct {
		header string
		want   time.Duration
	}{
		{"", DefaultPause},
		{"120", 2 * time.Minute},
		{" 0 ", 0},
		{"-5", DefaultPause},
		{"soon", DefaultPause},
		{"999999999999", MaxPause},
		{t0.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{t0.Add(-time.Hour).Format(http.TimeFormat), 0},
		{t0.Add(48 * time.Hour).Format(http.TimeFormat), MaxPause},
	} {
		if got := RetryAfter(c.header, t0); got != c.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

// TestFleetNeverExceedsMaxPulls runs a simulated fleet against the real
// SQLite queue: 12 scanners lease with the Governor's limits, hold each
// task a random while and complete it, over 300 tasks in three registries
// of which one allows 2 pulls at once and one 4. At every moment the
// scans running per registry are counted; the bound is never exceeded,
// every task is done once, and nothing fails.
func TestFleetNeverExceedsMaxPulls(t *testing.T) {
	ctx := context.Background()
	q, err := queue.OpenSQLite(ctx, filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	regs := map[string]Limits{"hub": {MaxPulls: 2}, "ghcr": {MaxPulls: 4}, "local": {}}
	var tasks []queue.Task
	for i := range 300 {
		reg := []string{"hub", "ghcr", "local"}[i%3]
		tasks = append(tasks, queue.Task{Key: fmt.Sprintf("%s/app%d@sha256:%d|db", reg, i%17, i)})
	}
	if _, err := q.EnqueueBatch(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	g := New(nil, nil)
	ll := q.(queue.LimitedLeaser)
	var (
		mu      sync.Mutex
		running = map[string]int{}
		peak    = map[string]int{}
		done    = map[string]int{}
		wg      sync.WaitGroup
		errs    = make(chan error, 12)
	)
	deadline := time.Now().Add(2 * time.Minute) // a bound, not a timing assertion
	for w := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("scanner-%d", w)
			for time.Now().Before(deadline) {
				limits, err := g.Limits(ctx, regs)
				if err != nil {
					errs <- err
					return
				}
				got, err := ll.LeaseLimited(ctx, name, 2, time.Minute, limits)
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					mu.Lock()
					total := done["hub"] + done["ghcr"] + done["local"]
					mu.Unlock()
					if total == len(tasks) {
						return
					}
					time.Sleep(time.Millisecond)
					continue
				}
				for _, task := range got {
					reg, _, _ := strings.Cut(task.Key, "/")
					mu.Lock()
					running[reg]++
					peak[reg] = max(peak[reg], running[reg])
					mu.Unlock()
					time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
					mu.Lock()
					running[reg]--
					done[reg]++
					mu.Unlock()
					if err := q.Complete(ctx, name, task.ID); err != nil {
						errs <- err
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
	counts, err := q.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[queue.StateDone] != len(tasks) || counts[queue.StateFailed] != 0 {
		t.Fatalf("queue counts %v, want all %d done", counts, len(tasks))
	}
	for reg, l := range regs {
		if l.MaxPulls > 0 && peak[reg] > l.MaxPulls {
			t.Errorf("registry %s: %d scans at once, over its max pulls %d", reg, peak[reg], l.MaxPulls)
		}
	}
	t.Logf("scans at once: %v", peak)
}
