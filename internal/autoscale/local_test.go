//go:build unix

package autoscale

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the scanner worker: with childModeEnv set it
// runs childMain instead of the tests.
const (
	childModeEnv = "AUTOSCALE_TEST_CHILD"
	childDirEnv  = "AUTOSCALE_TEST_DIR"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(childModeEnv); mode != "" {
		os.Exit(childMain(mode, os.Getenv(childDirEnv)))
	}
	os.Exit(m.Run())
}

// childMain: "term" waits for SIGTERM, records it and exits 0; "ignore"
// records SIGTERM but keeps running (so only SIGKILL ends it); "exit" exits
// with status 3 at once. Signals are recorded in DIR/PID.signal, and
// DIR/PID.ready appears once the handler is installed.
func childMain(mode, dir string) int {
	pid := os.Getpid()
	if mode == "exit" {
		return 3
	}
	if mode == "parent" {
		return parentMain(dir)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM)
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.ready", pid)), nil, 0o644); err != nil {
		return 2
	}
	for sig := range sigs {
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%d.signal", pid)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return 2
		}
		fmt.Fprintln(f, sig)
		f.Close()
		if mode == "term" {
			return 0
		}
	}
	return 0
}

// parentMain plays a controller: it starts one "term" scanner through a
// LocalScaler, writes its pid to DIR/child.pid and waits to be killed.
func parentMain(dir string) int {
	exe, err := os.Executable()
	if err != nil {
		return 2
	}
	l, err := NewLocalScaler(LocalOptions{
		Argv: []string{exe, "-test.run=^$"},
		Env:  []string{childModeEnv + "=term", childDirEnv + "=" + dir},
	})
	if err != nil {
		return 2
	}
	if err := l.Scale(context.Background(), 1); err != nil {
		return 2
	}
	pids := l.PIDs()
	if len(pids) != 1 || os.WriteFile(filepath.Join(dir, "child.pid"), []byte(fmt.Sprint(pids[0])), 0o644) != nil {
		return 2
	}
	select {}
}

type exitLog struct {
	mu     sync.Mutex
	states map[int]*os.ProcessState
	ch     chan int
}

func newLocal(t *testing.T, mode string, grace time.Duration, tweak ...func(*LocalOptions)) (*LocalScaler, string, *exitLog) {
	t.Helper()
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	el := &exitLog{states: map[int]*os.ProcessState{}, ch: make(chan int, 16)}
	opts := LocalOptions{
		Argv:   []string{exe, "-test.run=^$"},
		Env:    []string{childModeEnv + "=" + mode, childDirEnv + "=" + dir},
		Grace:  grace,
		Logger: quietLogger(),
		OnExit: func(pid int, st *os.ProcessState) {
			el.mu.Lock()
			el.states[pid] = st
			el.mu.Unlock()
			el.ch <- pid
		},
	}
	for _, f := range tweak {
		f(&opts)
	}
	l, err := NewLocalScaler(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l, dir, el
}

func (el *exitLog) state(pid int) *os.ProcessState {
	el.mu.Lock()
	defer el.mu.Unlock()
	return el.states[pid]
}

// waitReady waits until every pid has installed its SIGTERM handler; the
// deadline only guards against a hang (a minute: starting a process can
// take seconds on a loaded CI machine).
func waitReady(t *testing.T, dir string, pids []int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for _, pid := range pids {
		for {
			if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("%d.ready", pid))); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("scanner %d never became ready", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func signalsOf(t *testing.T, dir string, pid int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.signal", pid)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// gone reports whether pid no longer exists at all; a zombie still does.
func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

func replicas(t *testing.T, l *LocalScaler) int {
	t.Helper()
	n, err := l.Replicas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLocalScaleUpDownAndClose(t *testing.T) {
	ctx := context.Background()
	l, dir, el := newLocal(t, "term", 30*time.Second)
	if err := l.Scale(ctx, 3); err != nil {
		t.Fatal(err)
	}
	pids := l.PIDs()
	if len(pids) != 3 || replicas(t, l) != 3 {
		t.Fatalf("after Scale(3): pids %v, replicas %d", pids, replicas(t, l))
	}
	waitReady(t, dir, pids)

	if err := l.Scale(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got := l.PIDs(); len(got) != 1 || got[0] != pids[0] || replicas(t, l) != 1 {
		t.Fatalf("after Scale(1): pids %v, want [%d] (newest stopped first)", got, pids[0])
	}
	for _, pid := range pids[1:] {
		if sig := signalsOf(t, dir, pid); sig != syscall.SIGTERM.String() {
			t.Errorf("scanner %d recorded %q, want %q", pid, sig, syscall.SIGTERM)
		}
		if st := el.state(pid); st == nil || st.ExitCode() != 0 {
			t.Errorf("scanner %d exit state %v, want exit 0 after SIGTERM", pid, st)
		}
		if !gone(pid) {
			t.Errorf("scanner %d still exists (zombie?)", pid)
		}
	}
	if sig := signalsOf(t, dir, pids[0]); sig != "" {
		t.Errorf("kept scanner %d got %q", pids[0], sig)
	}

	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if sig := signalsOf(t, dir, pids[0]); sig != syscall.SIGTERM.String() || !gone(pids[0]) || replicas(t, l) != 0 {
		t.Fatalf("after Close: scanner %d recorded %q, gone %v, replicas %d", pids[0], sig, gone(pids[0]), replicas(t, l))
	}
	if err := l.Scale(ctx, 1); err == nil {
		t.Fatal("Scale after Close succeeded")
	}
}

func TestLocalKillsAfterGrace(t *testing.T) {
	l, dir, el := newLocal(t, "ignore", 300*time.Millisecond)
	if err := l.Scale(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	pid := l.PIDs()[0]
	waitReady(t, dir, []int{pid})
	if err := l.Scale(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if sig := signalsOf(t, dir, pid); sig != syscall.SIGTERM.String() {
		t.Errorf("recorded %q, want %q before the kill", sig, syscall.SIGTERM)
	}
	st := el.state(pid)
	ws, ok := st.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("exit state %v, want killed by SIGKILL", st)
	}
	if !gone(pid) || replicas(t, l) != 0 {
		t.Fatalf("gone %v, replicas %d", gone(pid), replicas(t, l))
	}
}

// A scanner that exits on its own is started again, as a Deployment's pod
// would be, and its slot counts as a replica meanwhile, so the auto-scaler
// sees no change of the replica count; scaling down takes waiting slots
// first, and nothing is restarted after that.
func TestLocalRestartsExitedScanners(t *testing.T) {
	l, _, el := newLocal(t, "exit", time.Second, func(o *LocalOptions) { o.RestartDelay = 10 * time.Millisecond })
	if err := l.Scale(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for len(seen) < 6 {
		pid := <-el.ch
		seen[pid] = true
		if st := el.state(pid); st.ExitCode() != 3 {
			t.Errorf("scanner %d exit code %d, want 3", pid, st.ExitCode())
		}
		if n := replicas(t, l); n != 2 {
			t.Fatalf("replicas = %d after scanner %d exited, want 2 (it is restarted)", n, pid)
		}
	}
	if err := l.Scale(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if n := replicas(t, l); n != 0 {
		t.Fatalf("replicas = %d after scaling to 0", n)
	}
	// Scanners already running exit (and are reaped); none is started
	// again. Restart timers still pending (at most 10 ms doubled six
	// times, 640 ms) find their slot gone: wait past them, then watch.
	time.Sleep(time.Second)
	for drained := false; !drained; {
		select {
		case <-el.ch:
		default:
			drained = true
		}
	}
	if pids := l.PIDs(); len(pids) != 0 {
		t.Fatalf("scanners %v running after scaling to 0", pids)
	}
	select {
	case pid := <-el.ch:
		t.Fatalf("scanner %d was started after scaling to 0", pid)
	case <-time.After(time.Second):
	}
}

// With restarts off, an exit lowers Replicas.
func TestLocalRestartsOff(t *testing.T) {
	l, _, el := newLocal(t, "exit", time.Second, func(o *LocalOptions) { o.RestartDelay = -1 })
	if err := l.Scale(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	<-el.ch
	if n := replicas(t, l); n != 0 {
		t.Fatalf("replicas = %d after the only scanner exited, want 0", n)
	}
}

func TestLocalScaleContextEndsWhileStopping(t *testing.T) {
	l, dir, el := newLocal(t, "ignore", 300*time.Millisecond)
	if err := l.Scale(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	pid := l.PIDs()[0]
	waitReady(t, dir, []int{pid})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Scale(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Scale with cancelled ctx = %v, want context.Canceled", err)
	}
	if n := replicas(t, l); n != 0 {
		t.Fatalf("replicas = %d, want 0: the stop is under way", n)
	}
	if got := <-el.ch; got != pid || !gone(pid) {
		t.Fatalf("reaped %d (gone %v), want %d", got, gone(pid), pid)
	}
}

func TestLocalErrors(t *testing.T) {
	if _, err := NewLocalScaler(LocalOptions{}); err == nil {
		t.Error("empty argv accepted")
	}
	if _, err := NewLocalScaler(LocalOptions{Argv: []string{"x"}, Grace: -time.Second}); err == nil {
		t.Error("negative grace accepted")
	}
	l, err := NewLocalScaler(LocalOptions{Argv: []string{filepath.Join(t.TempDir(), "no-such-scanner")}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Scale(context.Background(), -1); err == nil {
		t.Error("negative replicas accepted")
	}
	err = l.Scale(context.Background(), 2)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "start scanner 1 of 2") {
		t.Errorf("Scale with missing binary = %v, want wrapped ErrNotExist", err)
	}
	if n := replicas(t, l); n != 0 {
		t.Errorf("replicas = %d after failed start", n)
	}
}

// TestAutoScalerWithLocalScaler runs the decision engine against real
// processes: immediate scale-up to max, then idle scale-down to min.
func TestAutoScalerWithLocalScaler(t *testing.T) {
	l, dir, _ := newLocal(t, "term", 30*time.Second)
	count := 5
	a, err := New(Config{Strategy: Immediate, MinScannerPods: 1, MaxScannerPods: 2}, Options{
		Scaler: l, Logger: quietLogger(),
		TaskCount: func(context.Context) (int, error) { return count, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		if err := a.Step(ctx, t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	pids := l.PIDs()
	if len(pids) != 2 {
		t.Fatalf("pids %v, want 2 scanners", pids)
	}
	waitReady(t, dir, pids)
	count = 0
	for _, at := range []time.Duration{10, 191, 400} {
		if err := a.Step(ctx, t0.Add(at*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.PIDs(); len(got) != 1 || got[0] != pids[0] {
		t.Fatalf("pids %v, want [%d]", got, pids[0])
	}
	if k := kinds(a.Events()); len(k) != 3 || k[2] != ScaleDown {
		t.Fatalf("event kinds %v", k)
	}
}

// A controller killed outright (SIGKILL) takes its local scanners with it:
// each gets SIGTERM from the kernel instead of running on unsupervised.
func TestLocalScannersStopWhenControllerIsKilled(t *testing.T) {
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	parent := exec.Command(exe, "-test.run=^$")
	parent.Env = append(os.Environ(), childModeEnv+"=parent", childDirEnv+"="+dir)
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	defer parent.Process.Kill()
	var child int
	// Two processes start in turn: a minute bounds a hang on a loaded machine.
	deadline := time.Now().Add(time.Minute)
	for child == 0 {
		if b, err := os.ReadFile(filepath.Join(dir, "child.pid")); err == nil && len(b) > 0 {
			if child, err = strconv.Atoi(string(b)); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the parent never started its scanner")
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitReady(t, dir, []int{child})
	if err := parent.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = parent.Wait()
	for signalsOf(t, dir, child) == "" {
		if time.Now().After(deadline) {
			syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("scanner %d got no signal after its controller was killed", child)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := signalsOf(t, dir, child); got != "terminated" {
		t.Errorf("scanner %d got %q, want terminated", child, got)
	}
}
