package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/queue"
)

type fakeScaler struct {
	mu       sync.Mutex
	replicas int
	calls    []int
}

func (f *fakeScaler) Replicas(context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.replicas, nil
}

func (f *fakeScaler) Scale(_ context.Context, n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replicas = n
	f.calls = append(f.calls, n)
	return nil
}

// fakeClock hands each After channel to the test, which thereby knows the
// loop finished a step, and decides when the next one happens.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiting chan chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.waiting <- ch
	return ch
}

// tick waits for the loop to finish a step, moves time by d and lets
// the next step run.
func (c *fakeClock) tick(t *testing.T, d time.Duration) {
	t.Helper()
	var ch chan time.Time
	select {
	case ch = <-c.waiting:
	case <-time.After(time.Minute): // a hang, not a slow step on a loaded machine
		t.Fatal("auto-scaler loop did not come back to the clock")
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	c.mu.Unlock()
	ch <- now
}

// settle waits until the step triggered by the last tick is done.
func (c *fakeClock) settle(t *testing.T) {
	t.Helper()
	select {
	case ch := <-c.waiting:
		// Put it back for the next tick.
		c.waiting <- ch
	case <-time.After(time.Minute):
		t.Fatal("auto-scaler step did not finish")
	}
}

func (f *fixture) autoscaler(t *testing.T) api.AutoscalerView {
	t.Helper()
	code, body := f.do(t, http.MethodGet, "/api/v1/autoscaler", f.reader, nil)
	var v api.AutoscalerView
	if code != http.StatusOK || json.Unmarshal(body, &v) != nil {
		t.Fatalf("GET autoscaler: %d %s", code, body)
	}
	return v
}

func TestAutoscaler(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sc := &fakeScaler{}
	clk := &fakeClock{now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), waiting: make(chan chan time.Time, 100)}
	f := newFixture(t, Config{
		Scaler:           sc,
		Autoscale:        autoscale.Config{Strategy: autoscale.Delayed, MinScannerPods: 2, MaxScannerPods: 3},
		AutoscaleOptions: autoscale.Options{Clock: clk},
	})
	var tasks []queue.Task
	for i := range 3 {
		tasks = append(tasks, queue.Task{Key: fmt.Sprintf("t%d", i), Payload: []byte(`{}`)})
	}
	if _, err := f.c.queue.EnqueueBatch(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	runDone := make(chan error, 1)
	go func() { runDone <- f.c.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-runDone; err != nil {
			t.Error(err)
		}
	}()

	// First observation opens the busy window; the delayed strategy waits
	// for it to last longer than autoscale.DefaultScaleUpAfter.
	clk.tick(t, autoscale.DefaultScaleUpAfter/2)
	clk.settle(t)
	if v := f.autoscaler(t); !v.Enabled || len(v.Events) != 0 || v.Replicas == nil || *v.Replicas != 0 {
		t.Fatalf("before the window: %+v", v)
	}
	clk.tick(t, autoscale.DefaultScaleUpAfter/2+time.Second)
	clk.settle(t)
	v := f.autoscaler(t)
	if len(v.Events) != 1 || v.Events[0].Kind != autoscale.ScaleUp || v.Events[0].From != 0 || v.Events[0].To != 2 || v.Events[0].TaskCount != 3 {
		t.Fatalf("after the window: events %+v (want 0 -> minScannerPods 2 with 3 queued)", v.Events)
	}
	if v.Replicas == nil || *v.Replicas != 2 || v.Config.MaxScannerPods != 3 {
		t.Errorf("view %+v", v)
	}

	for _, tc := range []struct {
		name, token, body string
		want              int
	}{
		{"reader may not", f.reader, `{"strategy":"immediate","minScannerPods":0,"maxScannerPods":4}`, http.StatusForbidden},
		{"scanner may not", f.scanner, `{"strategy":"immediate","minScannerPods":0,"maxScannerPods":4}`, http.StatusForbidden},
		{"min over max", f.admin, `{"strategy":"immediate","minScannerPods":5,"maxScannerPods":4}`, http.StatusBadRequest},
		{"unknown strategy", f.admin, `{"strategy":"sometimes","minScannerPods":0,"maxScannerPods":4}`, http.StatusBadRequest},
		{"malformed", f.admin, `{"strategy":`, http.StatusBadRequest},
		{"admin", f.admin, `{"strategy":"Immediate","minScannerPods":0,"maxScannerPods":4}`, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := f.do(t, http.MethodPut, "/api/v1/autoscaler", tc.token, []byte(tc.body)); code != tc.want {
				t.Errorf("PUT: %d %s, want %d", code, body, tc.want)
			}
		})
	}
	if v := f.autoscaler(t); v.Config != (autoscale.Config{Strategy: autoscale.Immediate, MinScannerPods: 0, MaxScannerPods: 4}) {
		t.Errorf("config after PUT: %+v", v.Config)
	}
	// Immediate: the next observation of a non-empty queue scales by one.
	clk.tick(t, time.Second)
	clk.settle(t)
	if v := f.autoscaler(t); len(v.Events) != 2 || v.Events[1].To != 3 {
		t.Errorf("immediate strategy: events %+v", v.Events)
	}

	resp, err := http.Get(f.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "\nscanfleet_autoscaler_desired_replicas 3\n") {
		t.Errorf("metrics lack desired replicas 3")
	}
	sc.mu.Lock()
	calls := append([]int(nil), sc.calls...)
	sc.mu.Unlock()
	if fmt.Sprint(calls) != "[2 3]" {
		t.Errorf("scale calls %v, want [2 3]", calls)
	}
}

func TestAutoscalerAbsent(t *testing.T) {
	f := newFixture(t, Config{})
	if v := f.autoscaler(t); v.Enabled {
		t.Errorf("enabled without a scaler: %+v", v)
	}
	if code, body := f.do(t, http.MethodPut, "/api/v1/autoscaler", f.admin, []byte(`{"strategy":"delayed","maxScannerPods":2}`)); code != http.StatusConflict {
		t.Errorf("PUT without a scaler: %d %s", code, body)
	}
}

func TestConfigAutoscaler(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       *autoscale.Config
		wantErr    bool
	}{
		{"absent", "registries: []\n", nil, false},
		{"set", "autoscaler:\n  strategy: Immediate\n  minScannerPods: 1\n  maxScannerPods: 5\n", &autoscale.Config{Strategy: autoscale.Immediate, MinScannerPods: 1, MaxScannerPods: 5}, false},
		{"default strategy", "autoscaler:\n  maxScannerPods: 2\n", &autoscale.Config{Strategy: autoscale.Delayed, MaxScannerPods: 2}, false},
		{"min over max", "autoscaler:\n  minScannerPods: 3\n  maxScannerPods: 2\n", nil, true},
		{"bad strategy", "autoscaler:\n  strategy: often\n  maxScannerPods: 2\n", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc, err := ParseConfig([]byte(tc.yaml))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error, got %+v", fc.Autoscaler)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (tc.want == nil) != (fc.Autoscaler == nil) || (tc.want != nil && *tc.want != *fc.Autoscaler) {
				t.Errorf("autoscaler %+v, want %+v", fc.Autoscaler, tc.want)
			}
		})
	}
}

// An auto-scaler change made through the API survives a restart with the
// same flags; once the flags change, they win and the stored change is
// forgotten.
func TestAutoscalerSettingsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	admin, err := CreateToken(ctx, dir, RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	start := func(flags autoscale.Config) (*Controller, *fixture) {
		c, err := New(ctx, Config{DataDir: dir, Scaler: &fakeScaler{}, Autoscale: flags})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(c.Handler())
		t.Cleanup(srv.Close)
		return c, &fixture{url: srv.URL, admin: admin, reader: admin, c: c}
	}
	flags := autoscale.Config{Strategy: autoscale.Delayed, MinScannerPods: 1, MaxScannerPods: 3}
	changed := autoscale.Config{Strategy: autoscale.Immediate, MinScannerPods: 2, MaxScannerPods: 6}
	newFlags := autoscale.Config{Strategy: autoscale.Delayed, MinScannerPods: 1, MaxScannerPods: 4}
	steps := []struct {
		name  string
		flags autoscale.Config
		put   *autoscale.Config
		want  autoscale.Config
	}{
		{"first start: flags", flags, nil, flags},
		{"API change", flags, &changed, changed},
		{"restart, same flags: API change kept", flags, nil, changed},
		{"restart, new flags: flags win", newFlags, nil, newFlags},
		{"restart, same new flags: API change forgotten", newFlags, nil, newFlags},
	}
	for _, s := range steps {
		c, f := start(s.flags)
		if s.put != nil {
			if code, body := f.do(t, http.MethodPut, "/api/v1/autoscaler", admin, mustJSON(t, s.put)); code != http.StatusOK {
				t.Fatalf("%s: PUT: %d %s", s.name, code, body)
			}
		}
		if got := f.autoscaler(t).Config; got != s.want {
			t.Errorf("%s: config %+v, want %+v", s.name, got, s.want)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAutoscalerChangeOnAnyReplica: an auto-scaler change made through one
// controller is adopted by another controller sharing its store, without a
// restart (followers serve the API; the leader's engine must follow).
func TestAutoscalerChangeOnAnyReplica(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	admin, err := CreateToken(ctx, dir, RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	flags := autoscale.Config{Strategy: autoscale.Delayed, MinScannerPods: 1, MaxScannerPods: 3}
	changed := autoscale.Config{Strategy: autoscale.Immediate, MinScannerPods: 2, MaxScannerPods: 6}
	var fs []*fixture
	for range 2 {
		c, err := New(ctx, Config{DataDir: dir, Scaler: &fakeScaler{}, Autoscale: flags})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		srv := httptest.NewServer(c.Handler())
		t.Cleanup(srv.Close)
		fs = append(fs, &fixture{url: srv.URL, admin: admin, reader: admin, c: c})
	}
	if got := fs[1].autoscaler(t).Config; got != flags {
		t.Fatalf("second controller before the change: %+v, want %+v", got, flags)
	}
	if code, body := fs[0].do(t, http.MethodPut, "/api/v1/autoscaler", admin, mustJSON(t, changed)); code != http.StatusOK {
		t.Fatalf("PUT on the first controller: %d %s", code, body)
	}
	if got := fs[1].autoscaler(t).Config; got != changed {
		t.Errorf("second controller after a change made through the first: %+v, want %+v", got, changed)
	}
}
