// Package politeness keeps the scanner fleet polite to each registry: at
// most a registry's max pulls scans of it run at once across the whole
// fleet, scans of it start at most at its pulls-per-second rate, and a 429
// (Too Many Requests) any scanner meets pauses the registry for every
// scanner until its Retry-After has passed.
//
// The controller enforces all three when it leases tasks, by handing the
// queue one queue.Limit per limited or paused registry (Limits): the
// concurrency bound is counted from the queue's live leases in the lease's
// own transaction, so every controller replica agrees without further
// state; a pause is kept in the shared store (Shared) so a 429 reported to
// one replica pauses the registry on all of them. The rate is a token
// bucket per replica (golang.org/x/time/rate): with R replicas a registry
// sees at most R times its rate, which the documentation says.
package politeness

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/scanfleet/scanfleet/internal/queue"
)

// Limits are one registry's politeness settings; zero fields mean no
// limit.
type Limits struct {
	// MaxPulls bounds the scans of the registry running at once in the
	// whole fleet.
	MaxPulls int
	// PullsPerSecond bounds how fast scans of the registry start (each
	// starts with a manifest request, what Docker Hub counts as a pull).
	PullsPerSecond float64
}

// Shared is where pauses live so every controller replica sees them;
// store.Settings is one.
type Shared interface {
	Setting(ctx context.Context, name string) (string, bool, error)
	PutSetting(ctx context.Context, name, value string) error
}

// Pause bounds: a 429 without Retry-After pauses for DefaultPause; no
// Retry-After, however long, pauses a registry for more than MaxPause.
const (
	DefaultPause = time.Minute
	MaxPause     = time.Hour
)

// sharedRefresh is how long a replica trusts the pauses it read from the
// shared store before reading them again.
const sharedRefresh = 2 * time.Second

// pauseSetting names a registry's pause in the shared settings.
func pauseSetting(registry string) string { return "politeness.pause." + registry }

// KeyPrefix is the queue key prefix of a registry's tasks (the
// controller's task keys are "REGISTRY/REPOSITORY@DIGEST|DB").
func KeyPrefix(registry string) string { return registry + "/" }

// Governor holds a controller replica's politeness state. It is safe for
// concurrent use.
type Governor struct {
	shared Shared
	now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	pauses  map[string]pause
}

type bucket struct {
	rate float64
	lim  *rate.Limiter
}

type pause struct {
	until time.Time
	read  time.Time // when read from the shared store (zero: set here)
}

// New returns a Governor. shared may be nil (one replica: pauses are kept
// in memory only); now nil means time.Now.
func New(shared Shared, now func() time.Time) *Governor {
	if now == nil {
		now = time.Now
	}
	return &Governor{shared: shared, now: now, buckets: map[string]*bucket{}, pauses: map[string]pause{}}
}

// Limits returns the queue limits a lease must obey for registries (by
// name): one per registry that has a bound, a rate or a pause in force.
// A paused registry gets MaxNew 0; a rated one as many new tasks as its
// bucket holds tokens.
func (g *Governor) Limits(ctx context.Context, registries map[string]Limits) ([]queue.Limit, error) {
	now := g.now()
	var out []queue.Limit
	for name, l := range registries {
		if l.MaxPulls < 0 || l.PullsPerSecond < 0 || math.IsNaN(l.PullsPerSecond) {
			return nil, fmt.Errorf("registry %q: invalid limits %+v", name, l)
		}
		until, err := g.PausedUntil(ctx, name)
		if err != nil {
			return nil, err
		}
		ql := queue.Limit{Prefix: KeyPrefix(name), MaxLeased: -1, MaxNew: -1}
		if l.MaxPulls > 0 {
			ql.MaxLeased = l.MaxPulls
		}
		if l.PullsPerSecond > 0 {
			ql.MaxNew = int(math.Floor(g.bucket(name, l.PullsPerSecond).TokensAt(now)))
		}
		if until.After(now) {
			ql.MaxNew = 0
		}
		if ql.MaxLeased >= 0 || ql.MaxNew >= 0 {
			out = append(out, ql)
		}
	}
	return out, nil
}

// Took records that a lease took n new tasks of registry, spending as
// many of its rate tokens.
func (g *Governor) Took(registry string, n int) {
	if n <= 0 {
		return
	}
	g.mu.Lock()
	b := g.buckets[registry]
	g.mu.Unlock()
	if b != nil {
		// Limits handed out at most the tokens there were; a concurrent
		// lease may have spent some since, so the bucket may go into
		// debt, which delays the next starts by as much.
		b.lim.ReserveN(g.now(), min(n, b.lim.Burst()))
	}
}

func (g *Governor) bucket(name string, perSecond float64) *rate.Limiter {
	g.mu.Lock()
	defer g.mu.Unlock()
	b := g.buckets[name]
	if b == nil || b.rate != perSecond {
		burst := max(1, int(math.Ceil(perSecond)))
		b = &bucket{rate: perSecond, lim: rate.NewLimiter(rate.Limit(perSecond), burst)}
		g.buckets[name] = b
	}
	return b.lim
}

// Pause pauses registry until at least until (a later pause in force is
// kept) and records it in the shared store for the other replicas.
func (g *Governor) Pause(ctx context.Context, registry string, until time.Time) error {
	now := g.now()
	if cur, err := g.PausedUntil(ctx, registry); err != nil {
		return err
	} else if !until.After(cur) {
		return nil
	}
	g.mu.Lock()
	g.pauses[registry] = pause{until: until, read: now}
	g.mu.Unlock()
	if g.shared != nil {
		if err := g.shared.PutSetting(ctx, pauseSetting(registry), strconv.FormatInt(until.UnixNano(), 10)); err != nil {
			return fmt.Errorf("pausing registry %q: %w", registry, err)
		}
	}
	return nil
}

// PausedUntil returns when registry's pause ends (zero or a past time:
// not paused).
func (g *Governor) PausedUntil(ctx context.Context, registry string) (time.Time, error) {
	now := g.now()
	g.mu.Lock()
	p, ok := g.pauses[registry]
	g.mu.Unlock()
	if g.shared == nil || (ok && now.Sub(p.read) < sharedRefresh) {
		return p.until, nil
	}
	v, found, err := g.shared.Setting(ctx, pauseSetting(registry))
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the pause of registry %q: %w", registry, err)
	}
	var until time.Time
	if found {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("pause of registry %q: bad value %q", registry, v)
		}
		until = time.Unix(0, n)
	}
	g.mu.Lock()
	g.pauses[registry] = pause{until: until, read: now}
	g.mu.Unlock()
	return until, nil
}

// RetryAfter is how long a 429 asks to wait: its Retry-After header
// (seconds or an HTTP date, RFC 9110 §10.2.3), DefaultPause when absent or
// unreadable, at most MaxPause.
func RetryAfter(header string, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	d := DefaultPause
	if s, err := strconv.ParseInt(header, 10, 64); err == nil && s >= 0 {
		d = time.Duration(min(s, int64(MaxPause/time.Second))) * time.Second
	} else if t, err := http.ParseTime(header); err == nil {
		d = max(t.Sub(now), 0)
	}
	return min(d, MaxPause)
}
