// Package autoscale adds and removes scanner workers by the size of the
// controller's scan-task queue, following NeuVector's "Auto-scaling of
// Scanner Pods" rules (delayed, immediate, disabled strategies bounded by
// minScannerPods/maxScannerPods).
//
// The decision engine (AutoScaler) is separate from the thing that runs
// scanners (Scaler), so the same rules drive local worker processes
// (LocalScaler) and a Kubernetes Deployment (kube.DeploymentScaler, through
// the Deployment's "scale" subresource, reporting spec.replicas).
//
// Reading of the seed's minimum rule ("Setting a minimum value will not
// adjust the original scanner deployment replicaset value. The minimum value
// will be applied during the first scale up/down event"): the engine never
// scales merely because min or max changed. Every scale event instead clamps
// its target into [min, max]: a scale-up goes to max(current+1, min) capped at
// max, a scale-down to min(current-1, max) floored at min. The trigger
// conditions stay the seed's (scale up only while below max, scale down only
// while above min), so an idle fleet below the minimum stays where it is until
// work arrives, and then jumps straight to the minimum.
package autoscale

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Strategy is the auto-scaling strategy, named as in the seed.
type Strategy string

// The strategies of the seed document.
const (
	// Disabled never scales.
	Disabled Strategy = "disabled"
	// Delayed scales up one scanner after the queue has been non-empty
	// continuously for longer than Options.ScaleUpAfter (90 s).
	Delayed Strategy = "delayed"
	// Immediate scales up one scanner on every observation of a non-empty
	// queue.
	Immediate Strategy = "immediate"
)

// ParseStrategy accepts a strategy name case-insensitively.
func ParseStrategy(s string) (Strategy, error) {
	st := Strategy(strings.ToLower(strings.TrimSpace(s)))
	if !st.Valid() {
		return "", fmt.Errorf("autoscale: unknown strategy %q (want %s, %s or %s)", s, Disabled, Delayed, Immediate)
	}
	return st, nil
}

// Valid reports whether s is one of the known strategies.
func (s Strategy) Valid() bool {
	switch s {
	case Disabled, Delayed, Immediate:
		return true
	}
	return false
}

// Config holds the settings an operator may change at run time.
type Config struct {
	Strategy       Strategy `json:"strategy" yaml:"strategy"`
	MinScannerPods int      `json:"minScannerPods" yaml:"minScannerPods"`
	MaxScannerPods int      `json:"maxScannerPods" yaml:"maxScannerPods"`
}

// Validate checks that the strategy is known and 0 <= min <= max.
func (c Config) Validate() error {
	var errs []error
	if !c.Strategy.Valid() {
		errs = append(errs, fmt.Errorf("unknown strategy %q", c.Strategy))
	}
	if c.MinScannerPods < 0 {
		errs = append(errs, fmt.Errorf("minScannerPods %d is negative", c.MinScannerPods))
	}
	if c.MinScannerPods > c.MaxScannerPods {
		errs = append(errs, fmt.Errorf("minScannerPods %d exceeds maxScannerPods %d", c.MinScannerPods, c.MaxScannerPods))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("autoscale: invalid config: %w", err)
	}
	return nil
}

// Scaler runs the scanners. Replicas must report the desired count as last
// applied by anyone (for Kubernetes: the Deployment's spec.replicas, not the
// ready pods), so that an outside change is visible right away.
type Scaler interface {
	Replicas(ctx context.Context) (int, error)
	Scale(ctx context.Context, n int) error
}

// Clock lets tests drive Run without real waiting.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// EventKind classifies an Event.
type EventKind string

// Event kinds.
const (
	ScaleUp   EventKind = "scale-up"
	ScaleDown EventKind = "scale-down"
	// ExternalChange: the replica count differs from what we last set and
	// we did not scale in between.
	ExternalChange EventKind = "external-change"
	// AutoDisabled: too many external changes; the strategy was set to
	// disabled so we stop fighting whatever manages the replicas.
	AutoDisabled EventKind = "auto-disabled"
)

// Event records one decision of the auto-scaler.
type Event struct {
	Time      time.Time `json:"time"`
	Kind      EventKind `json:"kind"`
	From      int       `json:"from"`
	To        int       `json:"to"`
	Reason    string    `json:"reason"`
	Strategy  Strategy  `json:"strategy"`
	TaskCount int       `json:"taskCount"`
}

// Options are the fixed wiring of an AutoScaler. Zero values take the
// defaults noted on each field.
type Options struct {
	// Scaler runs the scanners (required).
	Scaler Scaler
	// TaskCount returns the controller's queued, not yet leased, task count
	// (required).
	TaskCount func(ctx context.Context) (int, error)
	// IsLeader guards every scale: a non-leader observes but never acts.
	// Nil means "always leader".
	IsLeader func() bool
	// Clock drives Run; nil is the wall clock.
	Clock Clock
	// Interval between observations in Run (default 5 s, the seed's
	// "every few seconds").
	Interval time.Duration
	// ScaleUpAfter is the delayed strategy's busy window (default 90 s).
	ScaleUpAfter time.Duration
	// ScaleDownAfter is the idle window of both strategies (default 180 s).
	ScaleDownAfter time.Duration
	// RevertLimit external changes within RevertWindow disable scaling
	// (defaults 3 and 10 min).
	RevertLimit  int
	RevertWindow time.Duration
	// EventCapacity bounds the event ring (default 100).
	EventCapacity int
	// Logger receives every event; nil is slog.Default().
	Logger *slog.Logger
}

// Defaults from the seed document.
const (
	DefaultInterval       = 5 * time.Second
	DefaultScaleUpAfter   = 90 * time.Second
	DefaultScaleDownAfter = 180 * time.Second
	DefaultRevertLimit    = 3
	DefaultRevertWindow   = 10 * time.Minute
	DefaultEventCapacity  = 100
)

// AutoScaler is the decision engine. Step makes one observation and at most
// one scale call; Run repeats Step on a clock. All methods are safe for
// concurrent use.
type AutoScaler struct {
	opts Options
	log  *slog.Logger

	// stepMu serialises Step so that decisions never interleave; it is held
	// across calls to TaskCount and the Scaler.
	stepMu sync.Mutex
	// Guarded by stepMu: the observation windows and the revert baseline.
	busySince, idleSince time.Time
	lastSet              int
	baselineValid        bool

	// mu guards what other goroutines read or write; never held across
	// calls out of the package.
	mu      sync.Mutex
	cfg     Config
	reverts []time.Time
	events  []Event // ring of at most opts.EventCapacity
	next    int     // next write position once the ring is full
}

// New validates cfg and opts and returns an AutoScaler.
func New(cfg Config, opts Options) (*AutoScaler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Scaler == nil {
		return nil, errors.New("autoscale: Options.Scaler is required")
	}
	if opts.TaskCount == nil {
		return nil, errors.New("autoscale: Options.TaskCount is required")
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"Interval", &opts.Interval, DefaultInterval},
		{"ScaleUpAfter", &opts.ScaleUpAfter, DefaultScaleUpAfter},
		{"ScaleDownAfter", &opts.ScaleDownAfter, DefaultScaleDownAfter},
		{"RevertWindow", &opts.RevertWindow, DefaultRevertWindow},
	} {
		if *d.v < 0 {
			return nil, fmt.Errorf("autoscale: Options.%s %v is negative", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if opts.RevertLimit < 0 || opts.EventCapacity < 0 {
		return nil, errors.New("autoscale: Options.RevertLimit and EventCapacity must not be negative")
	}
	if opts.RevertLimit == 0 {
		opts.RevertLimit = DefaultRevertLimit
	}
	if opts.EventCapacity == 0 {
		opts.EventCapacity = DefaultEventCapacity
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &AutoScaler{opts: opts, log: log.With("component", "autoscale"), cfg: cfg}, nil
}

// Config returns the current settings.
func (a *AutoScaler) Config() Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

// SetConfig changes the settings at run time. A new min or max takes effect
// at the next scale event; it never scales by itself.
func (a *AutoScaler) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	a.mu.Lock()
	old := a.cfg
	a.cfg = cfg
	if old.Strategy == Disabled && cfg.Strategy != Disabled {
		// Re-enabling is an operator's decision to try again: forget the
		// reverts that made us give up.
		a.reverts = nil
	}
	a.mu.Unlock()
	a.log.Info("autoscale config changed",
		"strategy", cfg.Strategy, "min", cfg.MinScannerPods, "max", cfg.MaxScannerPods,
		"oldStrategy", old.Strategy, "oldMin", old.MinScannerPods, "oldMax", old.MaxScannerPods)
	return nil
}

// Events returns the retained events, oldest first.
func (a *AutoScaler) Events() []Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Event, 0, len(a.events))
	out = append(out, a.events[a.next:]...)
	return append(out, a.events[:a.next]...)
}

func (a *AutoScaler) record(ev Event) {
	a.mu.Lock()
	if len(a.events) < a.opts.EventCapacity {
		a.events = append(a.events, ev)
	} else {
		a.events[a.next] = ev
		a.next = (a.next + 1) % len(a.events)
	}
	a.mu.Unlock()
	level := slog.LevelInfo
	if ev.Kind == ExternalChange || ev.Kind == AutoDisabled {
		level = slog.LevelWarn
	}
	a.log.Log(context.Background(), level, "autoscale event",
		"kind", ev.Kind, "from", ev.From, "to", ev.To, "reason", ev.Reason,
		"strategy", ev.Strategy, "taskCount", ev.TaskCount, "time", ev.Time)
}

// reset forgets the observation windows and the revert baseline, so that a
// new leadership term or a failed observation starts from scratch.
func (a *AutoScaler) reset() {
	a.busySince, a.idleSince = time.Time{}, time.Time{}
	a.baselineValid = false
}

// Run observes every Options.Interval until ctx is done, then returns nil.
// Call it while holding leadership; errors of single observations are logged
// and the loop goes on.
func (a *AutoScaler) Run(ctx context.Context) error {
	a.stepMu.Lock()
	a.reset()
	a.stepMu.Unlock()
	for {
		if err := a.Step(ctx, a.opts.Clock.Now()); err != nil && ctx.Err() == nil {
			a.log.Warn("autoscale step failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-a.opts.Clock.After(a.opts.Interval):
		}
	}
}

// Step makes one observation at time now and scales by at most one event.
//
// "Continuously" means every observation since the window opened saw the
// same condition; a failed observation or a lost leadership closes the
// window. After each scale event the window of that direction restarts at
// now.
func (a *AutoScaler) Step(ctx context.Context, now time.Time) error {
	a.stepMu.Lock()
	defer a.stepMu.Unlock()

	count, err := a.opts.TaskCount(ctx)
	if err == nil && count < 0 {
		err = fmt.Errorf("negative task count %d", count)
	}
	if err != nil {
		a.reset()
		return fmt.Errorf("autoscale: observe task count: %w", err)
	}
	if a.opts.IsLeader != nil && !a.opts.IsLeader() {
		a.reset()
		a.log.Debug("not leader, observing only", "taskCount", count)
		return nil
	}
	if count > 0 {
		a.idleSince = time.Time{}
		if a.busySince.IsZero() {
			a.busySince = now
		}
	} else {
		a.busySince = time.Time{}
		if a.idleSince.IsZero() {
			a.idleSince = now
		}
	}

	cfg := a.Config()
	if cfg.Strategy == Disabled {
		// Not scaling means nothing to defend: rebaseline on re-enable.
		a.baselineValid = false
		return nil
	}
	replicas, err := a.opts.Scaler.Replicas(ctx)
	if err != nil {
		return fmt.Errorf("autoscale: read replicas: %w", err)
	}
	if a.baselineValid && replicas != a.lastSet {
		if a.externalChange(now, cfg, count, replicas) {
			a.baselineValid = false
			return nil
		}
	}
	if a.baselineValid {
		// Adopt the outside value so that each change counts once. Before
		// our first scale there is nothing of ours to defend.
		a.lastSet = replicas
	}

	target, kind, reason := a.decide(now, cfg, count, replicas)
	if kind == "" {
		return nil
	}
	if err := a.opts.Scaler.Scale(ctx, target); err != nil {
		// A failed scale may have half-happened; learn the truth next time.
		a.baselineValid = false
		return fmt.Errorf("autoscale: scale %d -> %d: %w", replicas, target, err)
	}
	a.lastSet, a.baselineValid = target, true
	if kind == ScaleUp {
		a.busySince = now
	} else {
		a.idleSince = now
	}
	a.record(Event{Time: now, Kind: kind, From: replicas, To: target, Reason: reason, Strategy: cfg.Strategy, TaskCount: count})
	return nil
}

// decide returns the target of a scale event, or kind "" for none.
func (a *AutoScaler) decide(now time.Time, cfg Config, count, replicas int) (int, EventKind, string) {
	switch {
	case count > 0 && replicas < cfg.MaxScannerPods:
		var reason string
		if cfg.Strategy == Immediate {
			reason = fmt.Sprintf("task count %d > 0", count)
		} else {
			busy := now.Sub(a.busySince)
			if busy <= a.opts.ScaleUpAfter {
				return 0, "", ""
			}
			reason = fmt.Sprintf("task count > 0 continuously for %v (> %v), now %d", busy, a.opts.ScaleUpAfter, count)
		}
		target := min(max(replicas+1, cfg.MinScannerPods), cfg.MaxScannerPods)
		if target > replicas+1 {
			reason += fmt.Sprintf("; raised to minScannerPods %d", cfg.MinScannerPods)
		}
		return target, ScaleUp, reason
	case count == 0 && replicas > cfg.MinScannerPods:
		idle := now.Sub(a.idleSince)
		if idle <= a.opts.ScaleDownAfter {
			return 0, "", ""
		}
		reason := fmt.Sprintf("task count 0 continuously for %v (> %v)", idle, a.opts.ScaleDownAfter)
		target := max(min(replicas-1, cfg.MaxScannerPods), cfg.MinScannerPods)
		if target < replicas-1 {
			reason += fmt.Sprintf("; lowered to maxScannerPods %d", cfg.MaxScannerPods)
		}
		return target, ScaleDown, reason
	}
	return 0, "", ""
}

// externalChange records that something else changed the replicas and
// reports whether that made us give up (strategy set to disabled).
func (a *AutoScaler) externalChange(now time.Time, cfg Config, count, replicas int) bool {
	a.record(Event{Time: now, Kind: ExternalChange, From: a.lastSet, To: replicas, Strategy: cfg.Strategy, TaskCount: count,
		Reason: fmt.Sprintf("replicas changed from %d to %d without a scale of ours", a.lastSet, replicas)})
	a.mu.Lock()
	kept := a.reverts[:0]
	for _, t := range a.reverts {
		if now.Sub(t) < a.opts.RevertWindow {
			kept = append(kept, t)
		}
	}
	a.reverts = append(kept, now)
	n := len(a.reverts)
	giveUp := n >= a.opts.RevertLimit
	if giveUp {
		a.cfg.Strategy = Disabled
		a.reverts = nil
	}
	a.mu.Unlock()
	if giveUp {
		a.record(Event{Time: now, Kind: AutoDisabled, From: replicas, To: replicas, Strategy: cfg.Strategy, TaskCount: count,
			Reason: fmt.Sprintf("replicas changed externally %d times within %v; something else manages them, strategy set to %s", n, a.opts.RevertWindow, Disabled)})
	}
	return giveUp
}
