// Package lease is the Kubernetes Lease leader.Elector, through client-go's
// leaderelection package, for controllers running as pods. It is apart
// from package leader so that binaries without the Kubernetes integration
// do not link client-go (docs/benchmarks.md: about 10 MB of resident
// memory in every process).
package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/scanfleet/scanfleet/internal/leader"
)

// Options configure a Lease elector.
type Options struct {
	// Config reaches the API server (required). The elector makes its own
	// client from it with a request timeout below RenewDeadline, so that
	// one hung request cannot cost the leadership.
	Config *rest.Config
	// Namespace and Name of the coordination.k8s.io Lease (required).
	Namespace, Name string
	// Identity of this participant (default leader.DefaultIdentity()).
	Identity string
	// LeaseDuration, RenewDeadline and RetryPeriod as in client-go's
	// leaderelection (defaults 15 s, 10 s, 2 s). Zero RenewDeadline and
	// RetryPeriod are derived from LeaseDuration in the same proportions.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// ReleaseOnCancel gives the Lease up when Run's context ends, so that
	// another controller takes over at once rather than after
	// LeaseDuration. Only set it if the guarded work has stopped by then
	// (the controller stops it before cancelling the elector).
	ReleaseOnCancel bool
	// Logger; nil is slog.Default().
	Logger *slog.Logger
}

// Elector is a leader.Elector backed by a Kubernetes Lease object.
type Elector struct {
	opts   Options
	lock   *resourcelock.LeaseLock
	log    *slog.Logger
	leader atomic.Bool

	mu     sync.Mutex
	holder string
}

// New checks opts and returns a Lease elector; it does not contact the
// API server before Run.
func New(opts Options) (*Elector, error) {
	if opts.Config == nil {
		return nil, errors.New("leader: Options.Config is required")
	}
	if opts.Namespace == "" || opts.Name == "" {
		return nil, errors.New("leader: Options.Namespace and Name are required")
	}
	if opts.Identity == "" {
		opts.Identity = leader.DefaultIdentity()
	}
	if opts.LeaseDuration < 0 || opts.RenewDeadline < 0 || opts.RetryPeriod < 0 {
		return nil, errors.New("leader: negative lease timing")
	}
	if opts.LeaseDuration == 0 {
		opts.LeaseDuration = leader.DefaultLeaseDuration
	}
	if opts.RenewDeadline == 0 {
		opts.RenewDeadline = opts.LeaseDuration * 2 / 3
	}
	if opts.RetryPeriod == 0 {
		opts.RetryPeriod = opts.LeaseDuration * 2 / 15
	}
	// client-go's own rule (it would refuse later, less clearly).
	if opts.LeaseDuration <= opts.RenewDeadline || float64(opts.RenewDeadline) <= leaderelection.JitterFactor*float64(opts.RetryPeriod) {
		return nil, fmt.Errorf("leader: want LeaseDuration (%v) > RenewDeadline (%v) > %.1f × RetryPeriod (%v)",
			opts.LeaseDuration, opts.RenewDeadline, leaderelection.JitterFactor, opts.RetryPeriod)
	}
	cfg := rest.CopyConfig(opts.Config)
	cfg.Timeout = max(time.Second, opts.RenewDeadline/2)
	cs, err := kubernetes.NewForConfig(rest.AddUserAgent(cfg, "scanfleet-leader-election"))
	if err != nil {
		return nil, fmt.Errorf("leader: kubernetes client: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Elector{
		opts: opts,
		lock: &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: opts.Namespace, Name: opts.Name},
			Client:     cs.CoordinationV1(),
			LockConfig: resourcelock.ResourceLockConfig{Identity: opts.Identity},
		},
		log: log.With("component", "leader", "kind", "kubernetes", "lease", opts.Namespace+"/"+opts.Name, "identity", opts.Identity),
	}, nil
}

// Run campaigns until ctx is done. client-go's elector returns when it
// loses the Lease; Run then campaigns again with a fresh one.
func (l *Elector) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		// client-go starts OnStartedLeading in a goroutine of its own, which
		// may run after OnStoppedLeading when a term ends at once; stopped
		// keeps such a late start from claiming a term that is over.
		var (
			termMu  sync.Mutex
			stopped bool
		)
		le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock:            l.lock,
			LeaseDuration:   l.opts.LeaseDuration,
			RenewDeadline:   l.opts.RenewDeadline,
			RetryPeriod:     l.opts.RetryPeriod,
			ReleaseOnCancel: l.opts.ReleaseOnCancel,
			Name:            l.opts.Name,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(context.Context) {
					termMu.Lock()
					defer termMu.Unlock()
					if !stopped {
						l.leader.Store(true)
						l.log.Info("became leader")
					}
				},
				OnStoppedLeading: func() {
					termMu.Lock()
					defer termMu.Unlock()
					stopped = true
					if l.leader.Swap(false) {
						if ctx.Err() != nil {
							l.log.Info("left leadership")
						} else {
							l.log.Warn("lost leadership: the Lease could not be renewed in time")
						}
					}
				},
				OnNewLeader: func(id string) {
					l.mu.Lock()
					l.holder = id
					l.mu.Unlock()
					if id != l.opts.Identity {
						l.log.Info("leader observed", "leader", id)
					}
				},
			},
		})
		if err != nil {
			return fmt.Errorf("leader: %w", err)
		}
		le.Run(ctx)
	}
	return nil
}

// IsLeader reports whether this participant holds the Lease.
func (l *Elector) IsLeader() bool { return l.leader.Load() }

// Identity is the Lease holder identity this participant writes.
func (l *Elector) Identity() string { return l.opts.Identity }

// Leader is the Lease's holder as last observed.
func (l *Elector) Leader() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holder
}

// Kind is "kubernetes".
func (l *Elector) Kind() string { return "kubernetes" }

var _ leader.Elector = (*Elector)(nil)
