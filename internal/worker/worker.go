// Package worker is the scanner process of a fleet (`scanfleet scanner`):
// it registers with the controller, leases up to Concurrency scan tasks,
// scans each with the same pipeline as `scanfleet scan` (source.Open with
// the task's registry credentials, scan.Scanner, matching against a
// vulndb.Watcher so a replaced database file is picked up without
// restart), heartbeats the tasks it holds and posts each report or error.
//
// Layer analyses go through RemoteCache, backed by the controller's layer
// store (in front of a small in-process cache), so a layer any scanner in
// the fleet has analysed is never downloaded again: scan.Scanner consults
// the cache before opening a layer.
//
// On context cancellation (SIGTERM) the worker stops leasing, cancels its
// scans and hands their tasks back with one release call, so they are
// rescanned at once elsewhere without counting an attempt. If the process
// dies instead, the controller notices the missing heartbeats and returns
// the tasks itself.
package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/buildinfo"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// Config configures a worker.
type Config struct {
	ControllerURL string // e.g. https://controller:8480
	Token         string // a scanner or admin token
	// Name is shown in the API, and identifies the scanner across
	// restarts: registering under an active scanner's name releases that
	// one's tasks at once. Default: host name and pid.
	Name        string
	Concurrency int // images scanned at once; default 1
	// DBPath is the vulnerability database; empty scans packages only.
	DBPath string
	// PollInterval is the wait between lease attempts when the queue is
	// empty (default 2s).
	PollInterval time.Duration
	// HTTPClient talks to the controller (default: 60s timeout).
	HTTPClient *http.Client
	// RegistryTransport, when set, is the base transport for image pulls.
	RegistryTransport http.RoundTripper
	// Platform picks from multi-arch images (default linux/amd64).
	Platform string
	// StallTimeout bounds a registry read's silence (source.Options);
	// 0 means source.DefaultStallTimeout.
	StallTimeout time.Duration
	// ClaimWait bounds how long a scan waits for a layer another scanner
	// has claimed (RemoteCache.ClaimWait); 0 means DefaultClaimWait.
	ClaimWait time.Duration
	Logger    *slog.Logger
}

// Run registers and scans until ctx is done. It returns nil after a clean
// shutdown (tasks handed back) and an error if the controller cannot be
// reached at registration.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.Name == "" {
		// The controller takes a registration under an active scanner's
		// name for that scanner restarted, and hands its tasks back: the
		// default must be unique per live process yet stable across a
		// container's restarts. Host name plus pid is both (in a pod the
		// scanner is pid 1 every time; local scanners differ by pid).
		host, _ := os.Hostname()
		cfg.Name = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cl := api.NewClient(cfg.ControllerURL, cfg.Token, cfg.HTTPClient)

	var watcher *vulndb.Watcher
	dbDigest := ""
	if cfg.DBPath != "" {
		var err error
		if watcher, err = vulndb.NewWatcher(cfg.DBPath, time.Minute, cfg.Logger); err != nil {
			return fmt.Errorf("scanner: %w", err)
		}
		defer watcher.Close()
		db, release := watcher.Acquire()
		dbDigest = db.Info().Digest
		release()
	}
	reg, err := cl.Register(ctx, api.RegisterRequest{
		Name: cfg.Name, Concurrency: cfg.Concurrency, DBDigest: dbDigest, Version: buildinfo.Version(),
	})
	if err != nil {
		return fmt.Errorf("scanner: registering with %s: %w", cl.BaseURL(), err)
	}
	cache := &RemoteCache{cl: cl, local: layer.NewMemCache(1024)}
	cache.ClaimPrefix = reg.ID
	cache.ClaimWait = cfg.ClaimWait
	cache.Logger = cfg.Logger.With("scanner", reg.ID)
	w := &worker{
		cfg: cfg, cl: cl, id: reg.ID, log: cfg.Logger.With("scanner", reg.ID), watcher: watcher,
		running: map[string]context.CancelFunc{},
		posting: map[string]bool{},
		cache:   cache,
		scanner: &scan.Scanner{
			Analyzers:        all.Analyzers(),
			AnalyzersVersion: all.Version(),
			OSPriority:       all.OSPriority,
			ScannerVersion:   buildinfo.Version(),
			Logger:           cfg.Logger,
			Cache:            cache,
		},
	}
	hb := time.Duration(reg.HeartbeatSeconds * float64(time.Second))
	if hb <= 0 {
		hb = 10 * time.Second
	}
	w.log.Info("scanner registered", "controller", cl.BaseURL(), "concurrency", cfg.Concurrency, "db_digest", dbDigest)
	return w.loop(ctx, hb)
}

type worker struct {
	cfg     Config
	cl      *api.Client
	id      string
	log     *slog.Logger
	watcher *vulndb.Watcher
	scanner *scan.Scanner
	cache   *RemoteCache

	mu      sync.Mutex
	running map[string]context.CancelFunc // task id -> cancel of its scan
	// posting holds the running tasks whose scan is over and whose
	// outcome is being posted: a heartbeat that crossed a post the
	// controller took names the task as no longer ours, which is no
	// loss of its lease.
	posting map[string]bool
	wg      sync.WaitGroup
	freed   chan struct{}
}

func (w *worker) loop(ctx context.Context, hbEvery time.Duration) error {
	w.freed = make(chan struct{}, w.cfg.Concurrency)
	scanCtx, cancelScans := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelScans()
	hbDone := make(chan struct{})
	go func() {
		defer close(hbDone)
		w.heartbeats(ctx, hbEvery)
	}()

	for ctx.Err() == nil {
		free := w.cfg.Concurrency - w.inFlight()
		leased := 0
		pause := w.cfg.PollInterval
		if free > 0 {
			tasks, err := w.cl.Lease(ctx, w.id, free)
			if err != nil && ctx.Err() == nil {
				w.logControllerError("lease failed", err)
				// The controller's Retry-After, within the bound of
				// every other wait on it.
				pause = max(pause, min(api.RetryAfterOf(err), maxControllerWait))
			}
			for _, t := range tasks {
				w.start(scanCtx, t)
			}
			leased = len(tasks)
		}
		if leased > 0 && leased == free {
			continue // every slot taken: the next round waits for one to free
		}
		select {
		case <-ctx.Done():
		case <-w.freed:
		case <-time.After(pause):
		}
	}

	// Shutdown: stop the scans and hand their tasks back.
	w.mu.Lock()
	ids := make([]string, 0, len(w.running))
	for id, cancel := range w.running {
		ids = append(ids, id)
		cancel()
	}
	w.mu.Unlock()
	// Release before waiting: a scan goroutine that sees its cancellation
	// posts nothing, so the tasks are ours to hand back.
	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := w.cl.Release(rctx, w.id, ids)
	cancelScans()
	w.wg.Wait()
	<-hbDone
	if err != nil {
		return fmt.Errorf("scanner: releasing %d task(s): %w", len(ids), err)
	}
	w.log.Info("scanner stopped", "released", len(ids))
	return nil
}

func (w *worker) inFlight() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.running)
}

func (w *worker) start(ctx context.Context, t api.LeasedTask) {
	tctx, cancel := context.WithCancel(ctx)
	w.mu.Lock()
	w.running[t.ID] = cancel
	w.mu.Unlock()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() {
			cancel()
			w.mu.Lock()
			delete(w.running, t.ID)
			delete(w.posting, t.ID)
			w.mu.Unlock()
			select {
			case w.freed <- struct{}{}:
			default:
			}
		}()
		w.run(tctx, t)
	}()
}

// run scans one task and posts the outcome. A cancelled scan (shutdown or
// lost lease) posts nothing: the task is released or already elsewhere.
func (w *worker) run(ctx context.Context, t api.LeasedTask) {
	start := time.Now()
	sctx, unclaim := w.cache.WithClaims(ctx)
	rep, err := w.scan(sctx, t)
	// Posting must not be cut short by a shutdown that begins meanwhile.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	unclaim(pctx)
	w.mu.Lock()
	lost := ctx.Err() != nil
	if !lost {
		w.posting[t.ID] = true
	}
	w.mu.Unlock()
	if lost {
		return
	}
	if err != nil {
		// A missing image, refused credentials or bytes that do not match
		// their digest will be the same on the next attempt: fail the task
		// at once, with the reason, rather than after minutes of retries.
		permanent := source.Permanent(err)
		w.log.Warn("scan failed", "task", t.ID, "image", t.Reference, "permanent", permanent, "err", err)
		fr := api.FailRequest{Scanner: w.id, Error: err.Error(), Permanent: permanent}
		if perr := w.post(pctx, "fail", func(ctx context.Context) error { return w.cl.Fail(ctx, t.ID, fr) }); perr != nil {
			w.log.Warn("posting failure", "task", t.ID, "err", perr)
		}
		return
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		w.log.Error("encoding report", "task", t.ID, "err", err)
		return
	}
	rr := api.ResultRequest{Scanner: w.id, DurationSeconds: time.Since(start).Seconds(), Report: raw}
	if perr := w.post(pctx, "result", func(ctx context.Context) error { return w.cl.PostResult(ctx, t.ID, rr) }); perr != nil {
		w.log.Warn("posting result", "task", t.ID, "err", perr)
		return
	}
	w.log.Info("scanned", "task", t.ID, "image", t.Reference, "packages", len(rep.Packages), "vulnerabilities", len(rep.Vulnerabilities), "duration", time.Since(start))
}

// post delivers a scan's outcome, retrying while the controller cannot be
// reached or answers 5xx/429 (a restart, an overload) until ctx ends: a
// finished scan is worth delivering, and a dropped one would hold its task
// until the lease expired and then be scanned again. The task stays in
// w.running meanwhile, so heartbeats keep its lease once the controller
// is back. A 4xx (the lease was lost, the task is gone) is final.
//
// A Retry-After in the answer (the controller's database is unavailable)
// lengthens the wait, never past maxControllerWait.
func (w *worker) post(ctx context.Context, what string, send func(context.Context) error) error {
	wait := 250 * time.Millisecond
	for {
		err := send(ctx)
		code := api.StatusOf(err)
		if err == nil || (code != 0 && code < 500 && code != http.StatusTooManyRequests) || ctx.Err() != nil {
			return err
		}
		wait = max(wait, min(api.RetryAfterOf(err), maxControllerWait))
		w.logControllerError("controller unavailable; retrying", err, "post", what, "retry_in", wait)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, maxControllerWait)
	}
}

// maxControllerWait bounds every wait between two requests to a
// controller that could not serve the first.
const maxControllerWait = 5 * time.Second

// logControllerError logs a failed request to the controller, with the
// class of failure when the controller named its database unavailable
// (a restart or an outage of PostgreSQL: the request is retried).
func (w *worker) logControllerError(msg string, err error, args ...any) {
	if cause, ok := api.DatabaseUnavailable(err); ok {
		w.log.Warn(msg+": the controller's database is unavailable", append(args, "cause", cause, "err", err)...)
		return
	}
	w.log.Warn(msg, append(args, "err", err)...)
}

func (w *worker) scan(ctx context.Context, t api.LeasedTask) (*report.Report, error) {
	// source.Options has no registry bearer token; a token-only registry
	// falls back to the docker config keychain (see the report to the lead).
	// One platform of a multi-platform image is leased by its own
	// manifest digest; its platform names it in the report even when the
	// image's config leaves it out.
	platform := w.cfg.Platform
	if t.Platform != "" {
		platform = t.Platform
	}
	img, err := source.Open(ctx, t.Reference, source.Options{
		Platform:      platform,
		Username:      t.Username,
		Password:      t.Password,
		RegistryToken: t.Token,
		Insecure:      t.Insecure,
		Transport:     w.cfg.RegistryTransport,
		StallTimeout:  w.cfg.StallTimeout,
		// A 429 pauses the registry for the whole fleet, not only for
		// this scan's retries: the controller stops handing out its
		// tasks until the Retry-After has passed.
		RateLimited: func(_, retryAfter string) { w.reportRateLimited(t.Registry, retryAfter) },
	})
	if err != nil {
		return nil, err
	}
	defer img.Close()
	opts := scan.Options{}
	if w.watcher != nil {
		db, release := w.watcher.Acquire()
		defer release()
		info := db.Info()
		opts.Matcher = scan.StoreMatcher{Store: db, DB: &report.DBInfo{SchemaVersion: info.SchemaVersion, BuiltAt: info.BuiltAt, Digest: info.Digest, AdvisoriesDigest: info.AdvisoriesDigest}}
	}
	return w.scanner.Scan(ctx, scan.Target{Image: img.Image, Reference: img.Reference, Platform: platform, StoredUncompressed: img.StoredUncompressed}, opts)
}

// reportRateLimited tells the controller, in the background and bounded,
// that registry answered 429; a report that fails is only logged (the
// scan's own retries honour Retry-After anyway).
func (w *worker) reportRateLimited(registry, retryAfter string) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := w.cl.RateLimited(ctx, registry, api.RateLimitedRequest{Scanner: w.id, RetryAfter: retryAfter}); err != nil {
			w.log.Warn("reporting a 429 to the controller", "registry", registry, "err", err)
			return
		}
		w.log.Warn("registry answered 429: reported, the fleet pauses it", "registry", registry, "retry_after", retryAfter)
	}()
}

// heartbeats extends the leases of running tasks and cancels the scans of
// those the controller says are no longer ours.
func (w *worker) heartbeats(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		w.mu.Lock()
		ids := make([]string, 0, len(w.running))
		for id := range w.running {
			ids = append(ids, id)
		}
		w.mu.Unlock()
		lost, err := w.cl.Heartbeat(ctx, w.id, ids)
		if err != nil {
			if ctx.Err() == nil {
				w.logControllerError("heartbeat failed", err)
			}
			continue
		}
		w.mu.Lock()
		for _, id := range lost {
			cancel, ok := w.running[id]
			switch {
			case !ok:
			case w.posting[id]:
				// The scan is over: most often its outcome reached the
				// controller before this heartbeat did (the task is
				// done, not lost). Were the lease really gone, the post
				// is refused and says so.
				w.log.Debug("heartbeat answer crossed the posting of the task's outcome", "task", id)
			default:
				w.log.Warn("lease lost; abandoning scan", "task", id)
				cancel()
			}
		}
		w.mu.Unlock()
	}
}

// RemoteCache is a layer.Cache backed by the controller's layer store,
// with a local cache in front. A miss claims the layer, and a lookup of a
// layer another scan has claimed waits for its analysis (or for the claim
// to lapse, or for ClaimWait), so concurrent scans of images sharing a
// base download it once. Errors are misses: the cache is an optimisation, and a scan must
// not fail because the store is unwell.
//
// The wait for another scan's claim is bounded by ClaimWait: the claim
// holder may be alive (heartbeats renew its claims) yet stuck on a slow
// registry or a huge layer, and the images waiting on it should not be
// held for as long. Past the bound the layer is a miss, analysed here;
// that costs one extra download of the layer, never a wrong result.
type RemoteCache struct {
	cl    *api.Client
	local layer.Cache
	// ClaimPrefix identifies the scanner in claims (its registered id).
	ClaimPrefix string
	// Wait is the pause between lookups of a claimed layer (default 100ms).
	Wait time.Duration
	// ClaimWait is how long a lookup waits for a layer claimed by another
	// scan before analysing it itself (default DefaultClaimWait).
	ClaimWait time.Duration
	// Logger says when a claim wait gives up or an analysis is not
	// stored (default: discard).
	Logger *slog.Logger
	// noBatch: the controller has no batch lookup (an older one).
	noBatch atomic.Bool
}

// DefaultClaimWait bounds the wait for another scanner's claim on a
// layer. A claim holder on a silent registry gives up within about
// (retries+1) x the stall timeout (two minutes by default) and hands its
// claim back; this is the backstop for a holder that is slow rather than
// stuck, chosen above that so a stalled holder's claim is normally
// handed back before anyone downloads the layer a second time.
const DefaultClaimWait = 3 * time.Minute

// NewRemoteCache returns a cache for the controller at baseURL; local may
// be nil.
func NewRemoteCache(baseURL, token string, hc *http.Client, local layer.Cache) *RemoteCache {
	return &RemoteCache{cl: api.NewClient(baseURL, token, hc), local: local}
}

// claimSet is one scan's view of the layer store: the claims it made, so
// that those it did not fulfil (the scan failed or was cancelled) are
// handed back at once instead of making other scanners wait for them to
// lapse, and what its batch lookup (Prefetch) answered.
type claimSet struct {
	// id is the scan's claim holder: the batch lookup claims for it, and
	// so does each layer's first lookup, so that a lookup after a batch
	// that failed part way takes back a claim of that batch rather than
	// waiting on it.
	id string

	mu     sync.Mutex
	claims map[string]string          // layer key -> claim id, not yet fulfilled
	found  map[string]*layer.Analysis // the batch's known layers
	batch  map[string]bool            // claimed by the batch, not yet handed to a Get
	asked  map[string]bool            // looked up in this scan (the batch counts)
}

type claimSetKey struct{}

// WithClaims returns a context under which RemoteCache records claims, and
// a function that gives back those not fulfilled by a Put. Call it when
// the scan is over, whatever its outcome.
func (c *RemoteCache) WithClaims(ctx context.Context) (context.Context, func(context.Context)) {
	cs := &claimSet{id: c.ClaimPrefix + "/" + randomID(), claims: map[string]string{}, found: map[string]*layer.Analysis{},
		batch: map[string]bool{}, asked: map[string]bool{}}
	return context.WithValue(ctx, claimSetKey{}, cs), func(ctx context.Context) {
		cs.mu.Lock()
		left := cs.claims
		cs.claims = map[string]string{}
		cs.mu.Unlock()
		for key, id := range left {
			_ = c.cl.UnclaimLayer(ctx, key, id)
		}
	}
}

func claimsOf(ctx context.Context) *claimSet {
	cs, _ := ctx.Value(claimSetKey{}).(*claimSet)
	return cs
}

// Prefetch implements scan.Prefetcher: the layers of an image not in the
// local cache are looked up in one request, which also claims the unknown
// ones for this scan; Get then answers those from what the batch said.
// Layers another scan holds are left to Get, which waits for them as
// before. It works only under WithClaims (the claims must be handed back
// if the scan fails), and does nothing against a controller without the
// route (404/405: Get looks each layer up, as before) or when the lookup
// fails (the cache is an optimisation).
func (c *RemoteCache) Prefetch(ctx context.Context, keys []string) {
	cs := claimsOf(ctx)
	if cs == nil || c.noBatch.Load() {
		return
	}
	want := make([]string, 0, len(keys))
	seen := map[string]bool{}
	for _, key := range keys {
		if seen[key] {
			continue
		}
		seen[key] = true
		if c.local != nil {
			if _, ok := c.local.Get(ctx, key); ok {
				continue
			}
		}
		want = append(want, key)
	}
	for len(want) > 0 {
		n := min(len(want), api.MaxLayerLookup)
		if !c.prefetch(ctx, cs, want[:n]) {
			return
		}
		want = want[n:]
	}
}

// prefetch looks keys up in one request; false when the batch route is
// not to be used (any more).
func (c *RemoteCache) prefetch(ctx context.Context, cs *claimSet, keys []string) bool {
	answers, err := c.cl.LookupLayers(ctx, cs.id, keys)
	if err != nil {
		if st := api.StatusOf(err); st == http.StatusNotFound || st == http.StatusMethodNotAllowed {
			c.noBatch.Store(true)
			c.logger().Info("the controller has no batch layer lookup; looking layers up one by one", "err", err)
		} else {
			c.logger().Warn("batch layer lookup failed; looking layers up one by one", "layers", len(keys), "err", err)
		}
		return false
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, l := range answers {
		switch l.Status {
		case api.LayerFound:
			a, err := l.Decode()
			if err != nil {
				c.logger().Warn("batch layer lookup: unreadable analysis; the layer is looked up again", "layer", l.Key, "err", err)
				continue
			}
			cs.found[l.Key] = a
		case api.LayerClaimed:
			cs.claims[l.Key] = cs.id
			cs.batch[l.Key] = true
			cs.asked[l.Key] = true
		}
	}
	return true
}

// claimFor is the claim id of a lookup of key, and what the scan's batch
// lookup already answered for it: the known analysis, or claimed (for
// this lookup: a miss the scan analyses). The first lookup of a layer in
// a scan claims for the scan's id; a later one (an image with a layer
// twice) under an id of its own, so it waits for the first's analysis.
func (c *RemoteCache) claimFor(ctx context.Context, key string) (claim string, a *layer.Analysis, claimed bool) {
	cs := claimsOf(ctx)
	if cs == nil {
		return c.ClaimPrefix + "/" + randomID(), nil, false
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if a := cs.found[key]; a != nil {
		return "", a, false
	}
	if cs.batch[key] {
		delete(cs.batch, key)
		return cs.id, nil, true
	}
	if cs.asked[key] {
		return c.ClaimPrefix + "/" + randomID(), nil, false
	}
	cs.asked[key] = true
	return cs.id, nil, false
}

// Get implements layer.Cache.
func (c *RemoteCache) Get(ctx context.Context, key string) (*layer.Analysis, bool) {
	if c.local != nil {
		if a, ok := c.local.Get(ctx, key); ok {
			return a, true
		}
	}
	claim, a, claimed := c.claimFor(ctx, key)
	switch {
	case a != nil:
		if c.local != nil {
			c.local.Put(ctx, key, a)
		}
		return a, true
	case claimed:
		return nil, false // the batch claimed it for this scan: our Put fulfils it
	}
	wait := c.Wait
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	bound := c.ClaimWait
	if bound <= 0 {
		bound = DefaultClaimWait
	}
	giveUp := time.NewTimer(bound)
	defer giveUp.Stop()
	start := time.Now()
	waiting := false // another scan's claim was seen
	for {
		a, pending, err := c.cl.GetLayer(ctx, key, claim)
		switch st := api.StatusOf(err); {
		case err == nil:
		case st == 0 || !waiting || (st < 500 && st != http.StatusTooManyRequests):
			// The store is unreachable or refuses us: analyse it
			// ourselves (the cache is an optimisation).
			return nil, false
		default:
			// A transient answer (5xx, 429: a controller busy under
			// load) while another scan holds the claim is no reason to
			// download the layer a second time: look again, within
			// ClaimWait. It used to be taken for "unknown, claimed by
			// us".
			pending = true
		}
		if pending {
			waiting = true
		}
		if a == nil && !pending {
			// Unknown, and now claimed by us: our Put will fulfil it.
			if cs := claimsOf(ctx); cs != nil {
				cs.mu.Lock()
				cs.claims[key] = claim
				cs.mu.Unlock()
			}
			return nil, false
		}
		if a != nil {
			if c.local != nil {
				c.local.Put(ctx, key, a)
			}
			return a, true
		}
		select {
		case <-ctx.Done():
			return nil, false
		case <-giveUp.C:
			c.logger().Warn("layer claimed by another scan for too long; analysing it here",
				"layer", key, "waited", time.Since(start).Round(time.Millisecond), "claim_wait", bound)
			return nil, false
		case <-time.After(wait):
		}
	}
}

// Put implements layer.Cache.
func (c *RemoteCache) Put(ctx context.Context, key string, a *layer.Analysis) {
	if c.local != nil {
		c.local.Put(ctx, key, a)
	}
	// The controller takes an analysis only with the claim made on the
	// miss; without one (a lookup that failed) the PUT is refused and
	// the layer is simply not shared.
	id := ""
	cs := claimsOf(ctx)
	if cs != nil {
		cs.mu.Lock()
		id = cs.claims[key]
		cs.mu.Unlock()
	}
	if err := c.cl.PutLayer(ctx, key, id, a); err != nil {
		// Most often the claim lapsed (the analysis took longer than the
		// scanner timeout and another scanner took the layer over): the
		// scan goes on, and the log names the layer and the claim.
		c.logger().Warn("layer analysis not stored in the fleet's layer store", "layer", key, "claim", id, "err", err)
		return
	}
	if cs != nil {
		cs.mu.Lock()
		delete(cs.claims, key)
		cs.mu.Unlock()
	}
}

func (c *RemoteCache) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
