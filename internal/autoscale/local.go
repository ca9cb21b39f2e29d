package autoscale

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// DefaultGrace is how long a stopped local scanner may take to exit after
// SIGTERM before it gets SIGKILL.
const DefaultGrace = 10 * time.Second

// LocalOptions configure a LocalScaler.
type LocalOptions struct {
	// Argv starts one scanner, e.g.
	// {"scanfleet", "scanner", "--controller", URL, "--token", T}.
	Argv []string
	// Env is appended to the controller's environment.
	Env []string
	// Dir is the working directory; empty is the controller's.
	Dir string
	// Grace between SIGTERM and SIGKILL (default DefaultGrace).
	Grace time.Duration
	// Stdout and Stderr of the scanners; nil discards.
	Stdout, Stderr io.Writer
	// Logger; nil is slog.Default().
	Logger *slog.Logger
	// OnExit, if set, is called after each scanner has exited and been
	// reaped, whoever caused the exit.
	OnExit func(pid int, state *os.ProcessState)
}

// LocalScaler is a Scaler whose replicas are local worker processes. It
// never restarts a scanner on its own: a scanner that exits simply lowers
// Replicas and the AutoScaler decides what to do. Note that the AutoScaler
// sees such an exit as an external change of the replica count, so scanners
// that keep crashing eventually make it disable itself, as with an operator
// fighting it; that is deliberate (a crash-looping fleet should not be
// auto-scaled) and visible in its events.
type LocalScaler struct {
	opts LocalOptions
	log  *slog.Logger
	// base is the parent of every scanner's context; cancelling it (Close)
	// stops them all.
	base   context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	procs  []*localProc // start order
	closed bool
}

type localProc struct {
	cmd      *exec.Cmd
	stop     context.CancelFunc
	done     chan struct{} // closed once reaped
	stopping bool          // guarded by LocalScaler.mu
}

// NewLocalScaler checks opts and returns a LocalScaler with no scanners.
func NewLocalScaler(opts LocalOptions) (*LocalScaler, error) {
	if len(opts.Argv) == 0 || opts.Argv[0] == "" {
		return nil, errors.New("autoscale: LocalOptions.Argv is empty")
	}
	if opts.Grace < 0 {
		return nil, fmt.Errorf("autoscale: LocalOptions.Grace %v is negative", opts.Grace)
	}
	if opts.Grace == 0 {
		opts.Grace = DefaultGrace
	}
	opts.Argv = append([]string(nil), opts.Argv...)
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	base, cancel := context.WithCancel(context.Background())
	return &LocalScaler{opts: opts, log: log.With("component", "autoscale-local"), base: base, cancel: cancel}, nil
}

// Replicas is the number of running scanners, not counting those being
// stopped.
func (l *LocalScaler) Replicas(context.Context) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.liveLocked()), nil
}

// PIDs returns the process ids of the running scanners, oldest first.
func (l *LocalScaler) PIDs() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	var pids []int
	for _, p := range l.liveLocked() {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}

func (l *LocalScaler) liveLocked() []*localProc {
	var live []*localProc
	for _, p := range l.procs {
		if !p.stopping {
			live = append(live, p)
		}
	}
	return live
}

// Scale starts or stops scanners until n run. Stopping sends SIGTERM to the
// newest scanners and waits (bounded by ctx) until they have exited, being
// killed after the grace period if need be; when ctx ends first they are
// still stopped and reaped in the background.
func (l *LocalScaler) Scale(ctx context.Context, n int) error {
	if n < 0 {
		return fmt.Errorf("autoscale: local scale to %d: negative replicas", n)
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return errors.New("autoscale: local scaler is closed")
	}
	live := l.liveLocked()
	var stopping []*localProc
	for i := len(live); i < n; i++ {
		if err := l.startLocked(); err != nil {
			l.mu.Unlock()
			return fmt.Errorf("autoscale: start scanner %d of %d: %w", i+1, n, err)
		}
	}
	if len(live) > n {
		stopping = live[n:]
		for _, p := range stopping {
			p.stopping = true
			p.stop()
		}
	}
	l.mu.Unlock()
	return waitAll(ctx, stopping)
}

func waitAll(ctx context.Context, procs []*localProc) error {
	for _, p := range procs {
		select {
		case <-p.done:
		case <-ctx.Done():
			return fmt.Errorf("autoscale: waiting for scanner %d to exit: %w", p.cmd.Process.Pid, ctx.Err())
		}
	}
	return nil
}

func (l *LocalScaler) startLocked() error {
	ctx, stop := context.WithCancel(l.base)
	cmd := exec.CommandContext(ctx, l.opts.Argv[0], l.opts.Argv[1:]...) // #nosec G204 -- Argv is this executable's own path and flags, set by the controller
	// os/exec does the SIGTERM, grace, SIGKILL sequence for us: Cancel
	// runs when ctx ends and WaitDelay later kills the process.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = l.opts.Grace
	cmd.Env = append(os.Environ(), l.opts.Env...)
	cmd.Dir = l.opts.Dir
	cmd.Stdout, cmd.Stderr = l.opts.Stdout, l.opts.Stderr
	orphanSignal(cmd)
	if err := cmd.Start(); err != nil {
		stop()
		return err
	}
	p := &localProc{cmd: cmd, stop: stop, done: make(chan struct{})}
	l.procs = append(l.procs, p)
	l.log.Info("scanner started", "pid", cmd.Process.Pid)
	go l.reap(p)
	return nil
}

// reap waits for the process, which also frees its kernel entry (no
// zombies), and forgets it.
func (l *LocalScaler) reap(p *localProc) {
	err := p.cmd.Wait()
	l.mu.Lock()
	for i, q := range l.procs {
		if q == p {
			l.procs = append(l.procs[:i], l.procs[i+1:]...)
			break
		}
	}
	requested := p.stopping
	l.mu.Unlock()
	p.stop()
	pid := p.cmd.Process.Pid
	if requested {
		l.log.Info("scanner stopped", "pid", pid, "state", p.cmd.ProcessState.String())
	} else {
		l.log.Warn("scanner exited on its own", "pid", pid, "state", p.cmd.ProcessState.String(), "err", err)
	}
	if l.opts.OnExit != nil {
		l.opts.OnExit(pid, p.cmd.ProcessState)
	}
	close(p.done)
}

// Close stops every scanner and waits until all have been reaped. Scale
// fails afterwards; Close may be called again.
func (l *LocalScaler) Close() error {
	l.mu.Lock()
	l.closed = true
	all := append([]*localProc(nil), l.procs...)
	for _, p := range all {
		p.stopping = true
	}
	l.mu.Unlock()
	l.cancel()
	return waitAll(context.Background(), all)
}
