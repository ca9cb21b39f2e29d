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
// bucket in the shared store (Buckets) when the store keeps them: each
// lease reserves the tokens there are in one row-level update and gives
// back those it did not use, so all replicas together start at most the
// registry's rate. Without one (tests, a bare Shared) the bucket is this
// replica's own (golang.org/x/time/rate).
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

// Buckets keep token buckets that every replica draws on; store.Settings
// does (store.TakeTokens).
type Buckets interface {
	// TakeTokens takes up to want tokens (a negative want gives -want
	// back) and returns how many it took.
	TakeTokens(ctx context.Context, name string, perSecond float64, burst, want int, now time.Time) (int, error)
}

// pauseSetting names a registry's pause in the shared settings.
func pauseSetting(registry string) string { return "politeness.pause." + registry }

// KeyPrefix is the queue key prefix of a registry's tasks (the
// controller's task keys are "REGISTRY/REPOSITORY@DIGEST|DB").
func KeyPrefix(registry string) string { return registry + "/" }

// Governor holds a controller replica's politeness state. It is safe for
// concurrent use.
type Governor struct {
	shared  Shared
	buckets Buckets // nil: rates per replica (g.local)
	now     func() time.Time

	mu     sync.Mutex
	local  map[string]*bucket
	pauses map[string]pause
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
	g := &Governor{shared: shared, now: now, local: map[string]*bucket{}, pauses: map[string]pause{}}
	if b, ok := shared.(Buckets); ok {
		g.buckets = b
	}
	return g
}

// burst is a bucket's size: a second's worth of starts, at least one.
func burst(perSecond float64) int { return max(1, int(math.Ceil(perSecond))) }

// bucketName names a registry's start-rate bucket in the shared store.
func bucketName(registry string) string { return "politeness.rate." + registry }

// Reservation is one lease's share of the registries' limits: Limits to
// hand the queue, and the rate tokens reserved for it, settled by Done.
type Reservation struct {
	Limits   []queue.Limit
	g        *Governor
	reserved map[string]int     // tokens taken from shared buckets
	rates    map[string]float64 // their registries' rates
}

// Reserve is Limits for one lease, with the rated registries' tokens
// taken from the shared buckets (when the store keeps them) so that
// replicas leasing at once cannot both spend them. Call Done with what
// the lease took, whatever happened to it.
func (g *Governor) Reserve(ctx context.Context, registries map[string]Limits) (*Reservation, error) {
	if g.buckets == nil {
		lims, err := g.Limits(ctx, registries)
		return &Reservation{Limits: lims, g: g}, err
	}
	res := &Reservation{g: g, reserved: map[string]int{}, rates: map[string]float64{}}
	local := make(map[string]Limits, len(registries))
	rated := map[string]float64{}
	for name, l := range registries {
		if l.PullsPerSecond > 0 {
			rated[name] = l.PullsPerSecond
			l.PullsPerSecond = 0 // the shared bucket decides, below
		}
		local[name] = l
	}
	lims, err := g.Limits(ctx, local)
	if err != nil {
		return res, err
	}
	byPrefix := map[string]int{}
	for i, l := range lims {
		byPrefix[l.Prefix] = i
	}
	for name, rate := range rated {
		i, ok := byPrefix[KeyPrefix(name)]
		if ok && lims[i].MaxNew == 0 {
			continue // paused: nothing to reserve
		}
		n, err := g.buckets.TakeTokens(ctx, bucketName(name), rate, burst(rate), burst(rate), g.now())
		if err != nil {
			res.Done(ctx, nil) // give back what was taken so far
			return res, fmt.Errorf("registry %q start rate: %w", name, err)
		}
		if n > 0 {
			res.reserved[name], res.rates[name] = n, rate
		}
		if !ok {
			lims = append(lims, queue.Limit{Prefix: KeyPrefix(name), MaxLeased: -1, MaxNew: n})
			byPrefix[KeyPrefix(name)] = len(lims) - 1
		} else {
			lims[i].MaxNew = n
		}
	}
	res.Limits = lims
	return res, nil
}

// Done settles a reservation: took counts the new tasks the lease took
// per registry; tokens reserved and not used go back to their buckets. A
// give-back that fails only delays the registry's next starts.
func (r *Reservation) Done(ctx context.Context, took map[string]int) {
	if r.reserved == nil {
		for reg, n := range took {
			r.g.Took(reg, n)
		}
		return
	}
	for reg, n := range r.reserved {
		if back := n - took[reg]; back > 0 {
			rate := r.rates[reg]
			_, _ = r.g.buckets.TakeTokens(context.WithoutCancel(ctx), bucketName(reg), rate, burst(rate), -back, r.g.now())
		}
	}
	r.reserved = map[string]int{}
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
			// A bucket in debt (concurrent leases spent more than it
			// held) starts nothing: a negative MaxNew would mean no
			// bound at all.
			ql.MaxNew = max(0, int(math.Floor(g.bucket(name, l.PullsPerSecond).TokensAt(now))))
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
	b := g.local[registry]
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
	b := g.local[name]
	if b == nil || b.rate != perSecond {
		b = &bucket{rate: perSecond, lim: rate.NewLimiter(rate.Limit(perSecond), burst(perSecond))}
		g.local[name] = b
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
