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
	// RestartDelay is how long a scanner that exited on its own waits
	// before it is started again (default DefaultRestartDelay), doubled
	// for each such exit in a row up to MaxRestartDelay; negative turns
	// restarts off.
	RestartDelay time.Duration
}

// DefaultRestartDelay and MaxRestartDelay bound the restart back-off of
// crashed local scanners, as a kubelet's CrashLoopBackOff does for pods.
const (
	DefaultRestartDelay = time.Second
	MaxRestartDelay     = time.Minute
)

// LocalScaler is a Scaler whose replicas are local worker processes. Like
// a Deployment's pods, a scanner that exits on its own (a crash, an OOM
// kill) is started again after a back-off that grows while it keeps
// exiting, and its slot still counts in Replicas meanwhile: a crash is not
// a change of the replica count, so the AutoScaler does not mistake it for
// someone fighting its decisions. Each such exit is logged and reported to
// OnExit.
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
	// pending counts scanners that exited on their own and wait for
	// their restart; they are replicas all the same.
	pending int
	// backoff is the next restart delay.
	backoff time.Duration
}

type localProc struct {
	started  time.Time
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
	if opts.RestartDelay == 0 {
		opts.RestartDelay = DefaultRestartDelay
	}
	opts.Argv = append([]string(nil), opts.Argv...)
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	base, cancel := context.WithCancel(context.Background())
	return &LocalScaler{opts: opts, log: log.With("component", "autoscale-local"), base: base, cancel: cancel, backoff: opts.RestartDelay}, nil
}

// Replicas is the number of running scanners, not counting those being
// stopped, plus those waiting to be restarted.
func (l *LocalScaler) Replicas(context.Context) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.liveLocked()) + l.pending, nil
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
	// Scanners waiting for a restart go first when scaling down.
	if extra := len(live) + l.pending - n; extra > 0 {
		l.pending -= min(extra, l.pending)
	}
	var stopping []*localProc
	for i := len(live) + l.pending; i < n; i++ {
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
	p := &localProc{started: time.Now(), cmd: cmd, stop: stop, done: make(chan struct{})}
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
	var delay time.Duration
	restart := !requested && !l.closed && l.opts.RestartDelay > 0
	if restart {
		// A scanner that ran a while before exiting starts a new
		// back-off; one that keeps exiting at once waits longer each time.
		if time.Since(p.started) > MaxRestartDelay {
			l.backoff = l.opts.RestartDelay
		}
		delay = l.backoff
		l.backoff = min(2*l.backoff, MaxRestartDelay)
		l.pending++
		time.AfterFunc(delay, l.restart)
	}
	l.mu.Unlock()
	p.stop()
	pid := p.cmd.Process.Pid
	switch {
	case requested:
		l.log.Info("scanner stopped", "pid", pid, "state", p.cmd.ProcessState.String())
	case restart:
		l.log.Warn("scanner exited on its own; restarting it", "pid", pid, "state", p.cmd.ProcessState.String(), "err", err, "in", delay)
	default:
		l.log.Warn("scanner exited on its own", "pid", pid, "state", p.cmd.ProcessState.String(), "err", err)
	}
	if l.opts.OnExit != nil {
		l.opts.OnExit(pid, p.cmd.ProcessState)
	}
	close(p.done)
}

// restart starts one scanner in place of one that exited on its own,
// unless a scale-down or Close has taken its slot meanwhile.
func (l *LocalScaler) restart() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || l.pending == 0 {
		return
	}
	l.pending--
	if err := l.startLocked(); err != nil {
		l.log.Error("restarting a scanner", "err", err, "retry in", l.backoff)
		l.pending++
		time.AfterFunc(l.backoff, l.restart)
		l.backoff = min(2*l.backoff, MaxRestartDelay)
	}
}

// Close stops every scanner and waits until all have been reaped. Scale
// fails afterwards; Close may be called again.
func (l *LocalScaler) Close() error {
	l.mu.Lock()
	l.closed = true
	l.pending = 0
	all := append([]*localProc(nil), l.procs...)
	for _, p := range all {
		p.stopping = true
	}
	l.mu.Unlock()
	l.cancel()
	return waitAll(context.Background(), all)
}
