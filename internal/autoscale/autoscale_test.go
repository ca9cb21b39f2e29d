package autoscale

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fakeScaler records Scale calls; set replicas directly to play an operator
// that overrides us.
type fakeScaler struct {
	mu       sync.Mutex
	replicas int
	calls    []int
	failNext error
}

func (f *fakeScaler) Replicas(context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.replicas, nil
}

func (f *fakeScaler) Scale(_ context.Context, n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failNext; err != nil {
		f.failNext = nil
		return err
	}
	f.calls = append(f.calls, n)
	f.replicas = n
	return nil
}

func (f *fakeScaler) set(n int) {
	f.mu.Lock()
	f.replicas = n
	f.mu.Unlock()
}

func (f *fakeScaler) ncalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// obs is one observation: at second `at` the queue holds `count` tasks.
// count < 0 makes the observation fail. ext >= 0 first sets the replicas
// behind our back.
type obs struct {
	at    float64
	count int
	ext   int
}

func o(at float64, count int) obs { return obs{at: at, count: count, ext: -1} }

// call is a Scale(n) made during the observation at second `at`.
type call struct {
	at float64
	n  int
}

type harness struct {
	t      *testing.T
	a      *AutoScaler
	s      *fakeScaler
	count  int
	leader bool
}

func newHarness(t *testing.T, cfg Config, replicas int, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, s: &fakeScaler{replicas: replicas}, leader: true}
	opts.Scaler = h.s
	opts.TaskCount = func(context.Context) (int, error) {
		if h.count < 0 {
			return 0, errors.New("controller unreachable")
		}
		return h.count, nil
	}
	opts.IsLeader = func() bool { return h.leader }
	opts.Logger = quietLogger()
	a, err := New(cfg, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.a = a
	return h
}

// run feeds the observations and returns the Scale calls made, each tagged
// with the observation that made it.
func (h *harness) run(seq []obs) []call {
	h.t.Helper()
	var got []call
	for _, ob := range seq {
		if ob.ext >= 0 {
			h.s.set(ob.ext)
		}
		h.count = ob.count
		before := h.s.ncalls()
		err := h.a.Step(context.Background(), t0.Add(time.Duration(ob.at*float64(time.Second))))
		if (err != nil) != (ob.count < 0) {
			h.t.Fatalf("Step at %vs: err = %v, want error: %v", ob.at, err, ob.count < 0)
		}
		h.s.mu.Lock()
		for _, n := range h.s.calls[before:] {
			got = append(got, call{ob.at, n})
		}
		h.s.mu.Unlock()
	}
	return got
}

func every(from, to, step float64, count int) []obs {
	var seq []obs
	for at := from; at <= to; at += step {
		seq = append(seq, o(at, count))
	}
	return seq
}

func TestStepSequences(t *testing.T) {
	delayed := func(lo, hi int) Config { return Config{Strategy: Delayed, MinScannerPods: lo, MaxScannerPods: hi} }
	immediate := func(lo, hi int) Config { return Config{Strategy: Immediate, MinScannerPods: lo, MaxScannerPods: hi} }
	tests := []struct {
		name     string
		cfg      Config
		replicas int
		seq      []obs
		want     []call
	}{
		{"delayed busy 89s does not scale", delayed(0, 5), 1,
			[]obs{o(0, 3), o(89, 3)}, nil},
		{"delayed busy exactly 90s does not scale", delayed(0, 5), 1,
			[]obs{o(0, 3), o(90, 3)}, nil},
		{"delayed busy 91s scales up one", delayed(0, 5), 1,
			[]obs{o(0, 3), o(89, 3), o(91, 3)}, []call{{91, 2}}},
		{"delayed every 5s scales at 95s", delayed(0, 5), 1,
			every(0, 100, 5, 2), []call{{95, 2}}},
		{"delayed window restarts after a step", delayed(0, 5), 1,
			[]obs{o(0, 3), o(91, 3), o(100, 3), o(181, 3), o(182, 3), o(272, 3), o(273, 3)},
			[]call{{91, 2}, {182, 3}, {273, 4}}},
		{"delayed window broken by an empty queue", delayed(0, 5), 1,
			[]obs{o(0, 3), o(50, 0), o(91, 3), o(140, 3), o(181, 3), o(182, 3)},
			[]call{{182, 2}}},
		{"delayed window broken by a failed observation", delayed(0, 5), 1,
			[]obs{o(0, 3), o(50, -1), o(91, 3), o(181, 3), o(182, 3)},
			[]call{{182, 2}}},
		{"delayed stops at max", delayed(0, 2), 1,
			every(0, 400, 1, 9), []call{{91, 2}}},
		{"immediate steps up every observation until max", immediate(0, 3), 0,
			every(0, 20, 5, 1), []call{{0, 1}, {5, 2}, {10, 3}}},
		{"immediate idle 180s does not scale down", immediate(1, 3), 3,
			[]obs{o(0, 0), o(180, 0)}, nil},
		{"immediate idle 181s scales down one, then again 181s later, to min", immediate(1, 5), 3,
			[]obs{o(0, 0), o(181, 0), o(361, 0), o(362, 0), o(543, 0), o(1000, 0)},
			[]call{{181, 2}, {362, 1}}},
		{"delayed idle scales down to min", delayed(2, 5), 4,
			every(0, 1000, 10, 0), []call{{190, 3}, {380, 2}}},
		{"idle window broken by work", delayed(0, 5), 2,
			[]obs{o(0, 0), o(100, 1), o(110, 0), o(290, 0), o(291, 0)}, []call{{291, 1}}},
		{"immediate up then down after idle", immediate(1, 3), 1,
			[]obs{o(0, 4), o(5, 4), o(10, 0), o(190, 0), o(191, 0)},
			[]call{{0, 2}, {5, 3}, {191, 2}}},
		{"first scale-up applies min", delayed(3, 5), 1,
			[]obs{o(0, 1), o(91, 1), o(182, 1)}, []call{{91, 3}, {182, 4}}},
		{"first immediate scale-up applies min", immediate(4, 6), 0,
			[]obs{o(0, 1), o(1, 1)}, []call{{0, 4}, {1, 5}}},
		{"first scale-down applies max", delayed(1, 5), 8,
			[]obs{o(0, 0), o(181, 0), o(362, 0)}, []call{{181, 5}, {362, 4}}},
		{"idle below min is left alone", delayed(2, 5), 0,
			every(0, 1000, 10, 0), nil},
		{"above max and busy does not scale", immediate(0, 2), 4,
			every(0, 50, 5, 3), nil},
		{"disabled never acts", Config{Strategy: Disabled, MinScannerPods: 2, MaxScannerPods: 5}, 1,
			append(every(0, 500, 5, 10), every(505, 1000, 5, 0)...), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg, tt.replicas, Options{})
			got := h.run(tt.seq)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Scale calls = %v, want %v", got, tt.want)
			}
			evs := h.a.Events()
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			from := tt.replicas
			for i, ev := range evs {
				c := tt.want[i]
				wantKind := ScaleUp
				if c.n < from {
					wantKind = ScaleDown
				}
				if ev.From != from || ev.To != c.n || ev.Kind != wantKind || ev.Strategy != tt.cfg.Strategy ||
					!ev.Time.Equal(t0.Add(time.Duration(c.at*float64(time.Second)))) || ev.Reason == "" {
					t.Errorf("event %d = %+v, want %s %d->%d at %vs", i, ev, wantKind, from, c.n, c.at)
				}
				from = c.n
			}
		})
	}
}

func TestReasonMentionsClamp(t *testing.T) {
	h := newHarness(t, Config{Strategy: Immediate, MinScannerPods: 3, MaxScannerPods: 5}, 0, Options{})
	h.run([]obs{o(0, 7)})
	evs := h.a.Events()
	if len(evs) != 1 || !strings.Contains(evs[0].Reason, "minScannerPods 3") || evs[0].TaskCount != 7 {
		t.Fatalf("events = %+v, want one mentioning minScannerPods 3 with task count 7", evs)
	}
}

func TestConfigurableDurations(t *testing.T) {
	h := newHarness(t, Config{Strategy: Delayed, MinScannerPods: 0, MaxScannerPods: 5}, 1,
		Options{ScaleUpAfter: 10 * time.Second, ScaleDownAfter: 20 * time.Second})
	got := h.run([]obs{o(0, 1), o(10, 1), o(11, 1), o(12, 0), o(32, 0), o(33, 0)})
	want := []call{{11, 2}, {33, 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("Scale calls = %v, want %v", got, want)
	}
}

func TestNonLeaderNeverActs(t *testing.T) {
	h := newHarness(t, Config{Strategy: Immediate, MinScannerPods: 0, MaxScannerPods: 5}, 1, Options{})
	h.leader = false
	if got := h.run(append(every(0, 300, 5, 4), every(305, 900, 5, 0)...)); len(got) != 0 {
		t.Fatalf("non-leader scaled: %v", got)
	}
	if evs := h.a.Events(); len(evs) != 0 {
		t.Fatalf("non-leader recorded events: %+v", evs)
	}
}

func TestLeadershipLossRestartsWindow(t *testing.T) {
	h := newHarness(t, Config{Strategy: Delayed, MinScannerPods: 0, MaxScannerPods: 5}, 1, Options{})
	var got []call
	got = append(got, h.run([]obs{o(0, 2)})...)
	h.leader = false
	got = append(got, h.run([]obs{o(50, 2)})...)
	h.leader = true
	// The new term's window opens at 91, so 181 is exactly 90 s later.
	got = append(got, h.run([]obs{o(91, 2), o(181, 2), o(182, 2)})...)
	if want := []call{{182, 2}}; !slices.Equal(got, want) {
		t.Fatalf("Scale calls = %v, want %v", got, want)
	}
}

func kinds(evs []Event) []EventKind {
	var ks []EventKind
	for _, e := range evs {
		ks = append(ks, e.Kind)
	}
	return ks
}

func TestRevertDetectionDisables(t *testing.T) {
	h := newHarness(t, Config{Strategy: Immediate, MinScannerPods: 0, MaxScannerPods: 5}, 2, Options{})
	// An operator pins the replicas at 2 after each of our scale-ups.
	got := h.run([]obs{
		o(0, 1),
		{at: 5, count: 1, ext: 2},
		{at: 10, count: 1, ext: 2},
		{at: 15, count: 1, ext: 2},
		o(20, 1), o(25, 1),
	})
	if want := []call{{0, 3}, {5, 3}, {10, 3}}; !slices.Equal(got, want) {
		t.Fatalf("Scale calls = %v, want %v", got, want)
	}
	if s := h.a.Config().Strategy; s != Disabled {
		t.Fatalf("strategy = %s, want disabled", s)
	}
	evs := h.a.Events()
	wantKinds := []EventKind{ScaleUp, ExternalChange, ScaleUp, ExternalChange, ScaleUp, ExternalChange, AutoDisabled}
	if !slices.Equal(kinds(evs), wantKinds) {
		t.Fatalf("event kinds = %v, want %v", kinds(evs), wantKinds)
	}
	last := evs[len(evs)-1]
	if last.Strategy != Immediate || !strings.Contains(last.Reason, "disabled") || last.From != 2 || last.To != 2 {
		t.Errorf("auto-disabled event = %+v", last)
	}
	if ext := evs[1]; ext.From != 3 || ext.To != 2 {
		t.Errorf("external-change event = %+v, want 3->2", ext)
	}

	// Re-enabling forgets the old reverts: one more revert is tolerated.
	cfg := h.a.Config()
	cfg.Strategy = Immediate
	if err := h.a.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	got = h.run([]obs{o(30, 1), {at: 35, count: 1, ext: 2}})
	if want := []call{{30, 3}, {35, 3}}; !slices.Equal(got, want) {
		t.Fatalf("after re-enable Scale calls = %v, want %v", got, want)
	}
	if s := h.a.Config().Strategy; s != Immediate {
		t.Fatalf("strategy = %s after one revert, want immediate", s)
	}
}

func TestRevertsOutsideWindowAreForgiven(t *testing.T) {
	h := newHarness(t, Config{Strategy: Immediate, MinScannerPods: 0, MaxScannerPods: 5}, 2,
		Options{RevertWindow: time.Minute, RevertLimit: 2})
	got := h.run([]obs{o(0, 1), {at: 5, count: 1, ext: 2}, {at: 70, count: 1, ext: 2}, {at: 75, count: 1, ext: 2}})
	if want := []call{{0, 3}, {5, 3}, {70, 3}}; !slices.Equal(got, want) {
		t.Fatalf("Scale calls = %v, want %v", got, want)
	}
	if s := h.a.Config().Strategy; s != Disabled {
		t.Fatalf("strategy = %s, want disabled after 2 reverts within a minute (70s, 75s)", s)
	}
}

func TestChangeBeforeOurFirstScaleIsNoRevert(t *testing.T) {
	h := newHarness(t, Config{Strategy: Delayed, MinScannerPods: 0, MaxScannerPods: 5}, 1, Options{RevertLimit: 1})
	got := h.run([]obs{o(0, 1), {at: 10, count: 1, ext: 4}, {at: 20, count: 1, ext: 2}, o(91, 1)})
	if want := []call{{91, 3}}; !slices.Equal(got, want) {
		t.Fatalf("Scale calls = %v, want %v", got, want)
	}
	if k := kinds(h.a.Events()); !slices.Equal(k, []EventKind{ScaleUp}) {
		t.Fatalf("event kinds = %v, want only scale-up", k)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg     Config
		wantErr string
	}{
		{Config{Delayed, 0, 0}, ""},
		{Config{Immediate, 1, 10}, ""},
		{Config{Disabled, 3, 3}, ""},
		{Config{"", 1, 2}, "unknown strategy"},
		{Config{"fast", 1, 2}, "unknown strategy"},
		{Config{Delayed, -1, 2}, "negative"},
		{Config{Delayed, 3, 2}, "exceeds"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Validate(%+v) = %v, want error containing %q", tt.cfg, err, tt.wantErr)
		}
	}
}

func TestParseStrategy(t *testing.T) {
	for in, want := range map[string]Strategy{"delayed": Delayed, " Immediate ": Immediate, "DISABLED": Disabled} {
		if got, err := ParseStrategy(in); err != nil || got != want {
			t.Errorf("ParseStrategy(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseStrategy("auto"); err == nil {
		t.Error("ParseStrategy(auto) succeeded")
	}
}

func TestNewValidates(t *testing.T) {
	s := &fakeScaler{}
	tc := func(context.Context) (int, error) { return 0, nil }
	tests := []struct {
		name string
		cfg  Config
		opts Options
	}{
		{"bad config", Config{Delayed, 2, 1}, Options{Scaler: s, TaskCount: tc}},
		{"no scaler", Config{Delayed, 0, 1}, Options{TaskCount: tc}},
		{"no task count", Config{Delayed, 0, 1}, Options{Scaler: s}},
		{"negative duration", Config{Delayed, 0, 1}, Options{Scaler: s, TaskCount: tc, ScaleUpAfter: -time.Second}},
		{"negative limit", Config{Delayed, 0, 1}, Options{Scaler: s, TaskCount: tc, RevertLimit: -1}},
	}
	for _, tt := range tests {
		if _, err := New(tt.cfg, tt.opts); err == nil {
			t.Errorf("%s: New succeeded", tt.name)
		}
	}
}

func TestSetConfigAtRunTime(t *testing.T) {
	h := newHarness(t, Config{Strategy: Delayed, MinScannerPods: 0, MaxScannerPods: 2}, 2, Options{})
	if got := h.run(every(0, 100, 10, 5)); len(got) != 0 {
		t.Fatalf("scaled at max: %v", got)
	}
	if err := h.a.SetConfig(Config{Strategy: Delayed, MinScannerPods: 3, MaxScannerPods: 2}); err == nil {
		t.Fatal("SetConfig accepted min > max")
	}
	if err := h.a.SetConfig(Config{Strategy: "sometimes", MinScannerPods: 0, MaxScannerPods: 2}); err == nil {
		t.Fatal("SetConfig accepted unknown strategy")
	}
	if c := h.a.Config(); c != (Config{Delayed, 0, 2}) {
		t.Fatalf("rejected SetConfig changed config to %+v", c)
	}
	// Raising max lets the already-long busy window act at once.
	if err := h.a.SetConfig(Config{Strategy: Delayed, MinScannerPods: 0, MaxScannerPods: 4}); err != nil {
		t.Fatal(err)
	}
	if got := h.run([]obs{o(110, 5)}); !slices.Equal(got, []call{{110, 3}}) {
		t.Fatalf("after raising max: %v", got)
	}
	// Switching to immediate scales on the next observation.
	if err := h.a.SetConfig(Config{Strategy: Immediate, MinScannerPods: 0, MaxScannerPods: 4}); err != nil {
		t.Fatal(err)
	}
	if got := h.run([]obs{o(111, 5), o(112, 5)}); !slices.Equal(got, []call{{111, 4}}) {
		t.Fatalf("after switching to immediate: %v", got)
	}
	if err := h.a.SetConfig(Config{Strategy: Disabled, MinScannerPods: 0, MaxScannerPods: 4}); err != nil {
		t.Fatal(err)
	}
	if got := h.run(every(113, 1000, 10, 0)); len(got) != 0 {
		t.Fatalf("disabled scaled: %v", got)
	}
	// The idle window kept running while disabled (observing is not
	// acting), so re-enabling with a lower max scales down at the next
	// observation, straight to the new max, then one step per window.
	if err := h.a.SetConfig(Config{Strategy: Delayed, MinScannerPods: 1, MaxScannerPods: 2}); err != nil {
		t.Fatal(err)
	}
	if got := h.run([]obs{o(1100, 0), o(1200, 0), o(1280, 0), o(1281, 0), o(2000, 0)}); !slices.Equal(got, []call{{1100, 2}, {1281, 1}}) {
		t.Fatalf("after lowering max: %v", got)
	}
}

func TestScaleFailureRetries(t *testing.T) {
	h := newHarness(t, Config{Strategy: Delayed, MinScannerPods: 0, MaxScannerPods: 5}, 1, Options{})
	h.run([]obs{o(0, 1)})
	h.s.failNext = errors.New("api unavailable")
	h.count = 1
	err := h.a.Step(context.Background(), t0.Add(91*time.Second))
	if err == nil || !strings.Contains(err.Error(), "api unavailable") {
		t.Fatalf("Step error = %v, want wrapped scale error", err)
	}
	if got := h.run([]obs{o(92, 1)}); !slices.Equal(got, []call{{92, 2}}) {
		t.Fatalf("retry: %v", got)
	}
	if n := len(h.a.Events()); n != 1 {
		t.Fatalf("%d events, want 1 (failed scale is no event)", n)
	}
}

func TestEventRingIsBounded(t *testing.T) {
	h := newHarness(t, Config{Strategy: Immediate, MinScannerPods: 0, MaxScannerPods: 10}, 0, Options{EventCapacity: 3})
	h.run(every(0, 4, 1, 1))
	evs := h.a.Events()
	var tos []int
	for _, e := range evs {
		tos = append(tos, e.To)
	}
	if want := []int{3, 4, 5}; !slices.Equal(tos, want) {
		t.Fatalf("retained events To = %v, want %v", tos, want)
	}
}

// stepClock hands each After request to the test, which decides when time
// moves on.
type stepClock struct {
	mu    sync.Mutex
	now   time.Time
	after chan chan time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.after <- ch
	return ch
}

func (c *stepClock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

func TestRunDrivesSteps(t *testing.T) {
	clk := &stepClock{now: t0, after: make(chan chan time.Time)}
	s := &fakeScaler{}
	a, err := New(Config{Strategy: Immediate, MinScannerPods: 0, MaxScannerPods: 2}, Options{
		Scaler: s, Clock: clk, Interval: 5 * time.Second, Logger: quietLogger(),
		TaskCount: func(context.Context) (int, error) { return 1, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	for i, want := range []int{1, 2, 2} {
		ch := <-clk.after // Run finished a step and waits
		if n := s.ncalls(); n != want {
			t.Fatalf("after step %d: %d Scale calls, want %d", i, n, want)
		}
		ch <- clk.advance(5 * time.Second)
	}
	<-clk.after
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil on cancel", err)
	}
	evs := a.Events()
	if len(evs) != 2 || !evs[1].Time.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("events = %+v", evs)
	}
}

// FuzzStep drives random observation sequences and checks invariants that
// hold for every input: targets stay in [min, max], direction follows the
// queue, disabled never scales, delayed never scales up twice within the
// busy window.
func FuzzStep(f *testing.F) {
	f.Add([]byte{1, 0, 3, 10, 5, 200, 5, 100, 0, 200, 0, 200, 0})
	f.Add([]byte{2, 2, 4, 1, 1, 1, 1, 1, 0, 0, 3, 255, 0, 255, 0})
	f.Add([]byte{0, 1, 1, 90, 9, 91, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 || len(data) > 4096 {
			return // long inputs add nothing but time
		}
		cfg := Config{Strategy: []Strategy{Disabled, Delayed, Immediate}[int(data[0])%3]}
		cfg.MinScannerPods = int(data[1] % 6)
		cfg.MaxScannerPods = cfg.MinScannerPods + int(data[2]%6)
		data = data[3:]
		s := &fakeScaler{replicas: len(data) % 9}
		count := 0
		a, err := New(cfg, Options{Scaler: s, Logger: quietLogger(), RevertLimit: 1 << 30,
			TaskCount: func(context.Context) (int, error) { return count, nil }})
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		var lastUp time.Time
		for len(data) >= 2 {
			now = now.Add(time.Duration(data[0]) * time.Second)
			count = int(data[1] % 4)
			if data[1] >= 250 {
				s.set(int(data[1] - 250))
			}
			data = data[2:]
			from, _ := s.Replicas(context.Background())
			before := s.ncalls()
			if err := a.Step(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			if s.ncalls() == before {
				continue
			}
			if s.ncalls() != before+1 || cfg.Strategy == Disabled {
				t.Fatalf("%d calls in one step with %+v", s.ncalls()-before, cfg)
			}
			to := s.calls[before]
			if to < cfg.MinScannerPods || to > cfg.MaxScannerPods {
				t.Fatalf("target %d outside [%d, %d]", to, cfg.MinScannerPods, cfg.MaxScannerPods)
			}
			if (to > from) != (count > 0) {
				t.Fatalf("scaled %d -> %d with task count %d", from, to, count)
			}
			if to > from {
				if cfg.Strategy == Delayed && !lastUp.IsZero() && now.Sub(lastUp) <= DefaultScaleUpAfter {
					t.Fatalf("delayed scaled up %v after the previous scale-up", now.Sub(lastUp))
				}
				lastUp = now
			}
		}
	})
}
