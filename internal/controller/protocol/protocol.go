// Package protocol serves the scanners' side of the API: registration,
// leases (with the task's registry credentials), heartbeats, release,
// results and failures, and the fleet's layer store with its claims. All
// of it is rows in the shared store and queue, so a scanner may talk to
// any controller replica.
package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/politeness"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
)

// Protocol serves the scanner routes.
type Protocol struct {
	store          store.Store
	queue          queue.Queue
	log            *slog.Logger
	leaseDuration  time.Duration
	scannerTimeout time.Duration
	access         func(context.Context, store.Registry) (crawl.Registry, error)
	politeness     *politeness.Governor
	rateLimited    func(registry string)
	scanDone       func(result string, seconds float64)
	layerLookup    func(hit bool)
	// triage applies the exceptions to results and publishes events
	// (nil: neither).
	triage *triage.Engine
	// results group-commits the results posted at once.
	results *resultBatcher
}

// Config is what the protocol needs from its controller.
type Config struct {
	Store store.Store
	Queue queue.Queue
	// LeaseDuration is a task lease; ScannerTimeout declares a silent
	// scanner gone (and bounds a layer claim's life).
	LeaseDuration, ScannerTimeout time.Duration
	// Access opens a registry's sealed secrets for a lease (and obtains
	// a cloud kind's short-lived credentials).
	Access func(context.Context, store.Registry) (crawl.Registry, error)
	// Politeness holds the registries' fleet-wide limits and pauses
	// (nil: a Governor of this controller's own).
	Politeness *politeness.Governor
	// RateLimited counts a 429 a scanner reported, by registry.
	RateLimited func(registry string)
	// ScanDone and LayerLookup count in the controller's metrics.
	ScanDone    func(result string, seconds float64)
	LayerLookup func(hit bool)
	Logger      *slog.Logger
}

// New returns the protocol over cfg.
func New(cfg Config) *Protocol {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ScanDone == nil {
		cfg.ScanDone = func(string, float64) {}
	}
	if cfg.LayerLookup == nil {
		cfg.LayerLookup = func(bool) {}
	}
	if cfg.Politeness == nil {
		cfg.Politeness = politeness.New(cfg.Store, nil)
	}
	if cfg.RateLimited == nil {
		cfg.RateLimited = func(string) {}
	}
	return &Protocol{store: cfg.Store, queue: cfg.Queue, log: cfg.Logger, leaseDuration: cfg.LeaseDuration, scannerTimeout: cfg.ScannerTimeout,
		access: cfg.Access, politeness: cfg.Politeness, rateLimited: cfg.RateLimited, scanDone: cfg.ScanDone, layerLookup: cfg.LayerLookup,
		results: newResultBatcher(cfg.Store.PutResults, resultBatchMax, resultBatchParallel)}
}

// SetTriage makes results go through the exceptions and notifications
// (issue #20).
func (c *Protocol) SetTriage(e *triage.Engine) { c.triage = e }

// Routes registers the scanner protocol and the layer store.
func (c *Protocol) Routes(h web.Route) {
	h("POST /api/v1/scanners", web.ScannerAccess, web.MaxSmallBody, c.registerScanner)
	h("GET /api/v1/scanners", web.ReadAccess, 0, c.listScanners)
	h("POST /api/v1/scanners/{id}/lease", web.ScannerAccess, web.MaxSmallBody, c.lease)
	h("POST /api/v1/scanners/{id}/heartbeat", web.ScannerAccess, web.MaxSmallBody, c.heartbeat)
	h("POST /api/v1/scanners/{id}/release", web.ScannerAccess, web.MaxSmallBody, c.release)
	h("POST /api/v1/tasks/{id}/result", web.ScannerAccess, web.MaxResultBody, c.result)
	h("POST /api/v1/tasks/{id}/fail", web.ScannerAccess, web.MaxSmallBody, c.fail)
	h("POST /api/v1/registries/{name}/rate-limited", web.ScannerAccess, web.MaxSmallBody, c.reportRateLimited)

	h("GET /api/v1/layers/{key...}", web.ScannerAccess, 0, c.getLayer)
	h("POST /api/v1/layers/lookup", web.ScannerAccess, web.MaxSmallBody, c.lookupLayers)
	h("PUT /api/v1/layers/{key...}", web.ScannerAccess, web.MaxLayerBody, c.putLayer)
	h("DELETE /api/v1/layers/{key...}", web.ScannerAccess, 0, c.unclaimLayer)
}

func (c *Protocol) registerScanner(w http.ResponseWriter, r *http.Request) error {
	var in api.RegisterRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if err := validateRegister(in); err != nil {
		return err
	}
	if in.Concurrency == 0 {
		in.Concurrency = 1
	}
	now := time.Now()
	sc := store.Scanner{ID: web.RandomHex(8), Name: in.Name, Concurrency: in.Concurrency, DBDigest: in.DBDigest, Version: in.Version,
		State: api.ScannerActive, RegisteredAt: now, LastSeen: now}
	if err := c.store.AddScanner(r.Context(), sc); err != nil {
		return err
	}
	c.log.Info("scanner registered", "scanner", sc.ID, "name", sc.Name, "concurrency", sc.Concurrency, "db_digest", sc.DBDigest)
	// A scanner registering under the name of an active one is that
	// scanner restarted (same pod, same --name): its predecessor is dead,
	// so its tasks go back now rather than after ScannerTimeout.
	if err := c.replacePredecessors(context.WithoutCancel(r.Context()), sc); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, api.RegisterResponse{
		ID:               sc.ID,
		LeaseSeconds:     c.leaseDuration.Seconds(),
		HeartbeatSeconds: min(c.leaseDuration, c.scannerTimeout).Seconds() / 4,
	})
	return nil
}

func validateRegister(in api.RegisterRequest) error {
	switch {
	case len(in.Name) > maxScannerName:
		return web.Errorf(http.StatusBadRequest, "scanner name is %d bytes, over the %d limit", len(in.Name), maxScannerName)
	case !utf8.ValidString(in.Name) || strings.ContainsFunc(in.Name, unicode.IsControl):
		return web.Errorf(http.StatusBadRequest, "scanner name %q: want printable UTF-8", in.Name)
	case in.Concurrency < 0 || in.Concurrency > maxScannerConcurrency:
		return web.Errorf(http.StatusBadRequest, "scanner concurrency %d: want 1 to %d", in.Concurrency, maxScannerConcurrency)
	case len(in.DBDigest) > 256 || len(in.Version) > 256:
		return web.Errorf(http.StatusBadRequest, "scanner db_digest or version over 256 bytes")
	}
	return nil
}

// replacePredecessors declares gone the other active scanners named like
// sc and hands their tasks and layer claims back at once. An unnamed
// scanner replaces nobody.
func (c *Protocol) replacePredecessors(ctx context.Context, sc store.Scanner) error {
	if sc.Name == "" {
		return nil
	}
	olds, err := c.store.ListScanners(ctx, store.ScannerFilter{State: api.ScannerActive, Name: sc.Name})
	if err != nil {
		return err
	}
	for _, old := range olds {
		if old.ID == sc.ID {
			continue
		}
		if err := c.store.SetScannerState(ctx, old.ID, api.ScannerGone); err != nil {
			return err
		}
		if _, err := c.store.DropLayerClaims(ctx, old.ID); err != nil {
			return err
		}
		n, err := c.queue.ReleaseWorker(ctx, old.ID)
		if err != nil {
			return fmt.Errorf("releasing the tasks of scanner %s, replaced by %s: %w", old.ID, sc.ID, err)
		}
		c.log.Warn("scanner replaced by a new instance of the same name; its tasks returned to the queue",
			"scanner", old.ID, "name", old.Name, "replaced_by", sc.ID, "tasks", n)
	}
	return nil
}

func (c *Protocol) listScanners(w http.ResponseWriter, r *http.Request) error {
	scs, err := c.store.ListScanners(r.Context(), store.ScannerFilter{})
	if err != nil {
		return err
	}
	if scs == nil {
		scs = []store.Scanner{}
	}
	for i := range scs {
		scs[i].CurrentTasks, scs[i].CurrentImages = []string{}, []string{}
		if scs[i].State != api.ScannerActive {
			continue
		}
		ts, err := c.queue.List(r.Context(), queue.ListFilter{States: []queue.State{queue.StateLeased}, Worker: scs[i].ID})
		if err != nil {
			return err
		}
		for _, t := range ts {
			var p web.TaskPayload
			_ = json.Unmarshal(t.Payload, &p) // a corrupt payload shows as ""
			scs[i].CurrentTasks = append(scs[i].CurrentTasks, t.ID)
			scs[i].CurrentImages = append(scs[i].CurrentImages, p.Reference)
		}
	}
	web.WriteJSON(w, http.StatusOK, apiconv.Slice(scs, apiconv.Scanner))
	return nil
}

// alive records a scanner's sign of life, or says it is unknown.
func (c *Protocol) alive(ctx context.Context, id string) error {
	ok, err := c.store.TouchScanner(ctx, id, time.Now())
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "scanner %q not registered", id)
	}
	return nil
}

func (c *Protocol) lease(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in api.LeaseRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if err := c.alive(r.Context(), id); err != nil {
		return err
	}
	in.Max = min(max(in.Max, 1), 64)
	// The registries the lease read for their limits also give the
	// tasks' credentials: one read of the table per lease, not one more
	// per registry.
	tasks, regs, err := c.leaseTasks(r.Context(), id, in.Max)
	if err != nil {
		return err
	}
	out := api.LeaseResponse{Tasks: []api.LeasedTask{}}
	for _, t := range tasks {
		var p web.TaskPayload
		if err := json.Unmarshal(t.Payload, &p); err != nil {
			_ = c.queue.Fail(r.Context(), id, t.ID, "corrupt task payload: "+err.Error())
			continue
		}
		// A task whose image got a result since it was queued is done
		// already: its holder was declared dead (replaced, timed out)
		// while its result post was being stored, so the post could not
		// complete it. Scanning it again would store a second result.
		if done, err := c.resultStoredSince(r.Context(), p, "", t.CreatedAt); err != nil {
			return err
		} else if done {
			if err := c.queue.Complete(r.Context(), id, t.ID); err != nil && !errors.Is(err, queue.ErrLeaseLost) {
				return err
			}
			c.log.Info("task's image has a result stored since it was queued; completed without scanning it again", "task", t.ID, "image", p.Reference)
			continue
		}
		lt := api.LeasedTask{ID: t.ID, Reference: p.Reference, Registry: p.Registry, Repository: p.Repository, Tag: p.Tag, Digest: p.Digest, Attempt: t.Attempts,
			IndexDigest: p.IndexDigest, Platform: p.Platform}
		rr, known := regs[p.Registry]
		if !known {
			// The registry was deleted after the crawl: nothing to scan.
			_ = c.queue.Complete(r.Context(), id, t.ID)
			continue
		}
		acc, err := c.access(r.Context(), rr)
		if err != nil {
			// A cloud exchange that fails (or a key that cannot open a
			// secret) fails the task with the cause, which names the
			// registry; the scanner could not pull without it.
			_ = c.queue.Fail(r.Context(), id, t.ID, err.Error())
			c.log.Warn("no credentials for a leased task", "task", t.ID, "registry", p.Registry, "err", err)
			continue
		}
		lt.Username, lt.Password, lt.Token = acc.Username, acc.Password, acc.Token
		lt.Insecure = rr.Insecure || strings.HasPrefix(rr.URL, "http://")
		out.Tasks = append(out.Tasks, lt)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// leaseTasks leases up to n tasks for scanner id, within every
// registry's fleet-wide politeness: a registry at its max pulls, out of
// its pulls-per-second tokens or paused after a 429 has its tasks
// skipped (the queue takes the next runnable ones), counted in the
// lease's own transaction so replicas agree. It returns the registries
// it read, by name: read before the tasks were leased, so a task of a
// registry missing from them was deleted after its crawl.
func (c *Protocol) leaseTasks(ctx context.Context, id string, n int) ([]queue.Task, map[string]store.Registry, error) {
	list, err := c.store.ListRegistries(ctx)
	if err != nil {
		return nil, nil, err
	}
	regs := make(map[string]store.Registry, len(list))
	lims := make(map[string]politeness.Limits, len(list))
	for _, rr := range list {
		regs[rr.Name] = rr
		lims[rr.Name] = politeness.Limits{MaxPulls: rr.MaxPulls, PullsPerSecond: rr.RequestsPerSecond}
	}
	// The rated registries' start tokens are reserved in the shared
	// store for this lease and the unused ones given back after it, so
	// the rate holds for all replicas together.
	res, err := c.politeness.Reserve(ctx, lims)
	if err != nil {
		return nil, nil, err
	}
	took := map[string]int{}
	defer func() { res.Done(ctx, took) }()
	ll, ok := c.queue.(queue.LimitedLeaser)
	if len(res.Limits) == 0 || !ok {
		tasks, err := c.queue.Lease(ctx, id, n, c.leaseDuration)
		return tasks, regs, err
	}
	tasks, err := ll.LeaseLimited(ctx, id, n, c.leaseDuration, res.Limits)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tasks {
		reg, _, _ := strings.Cut(t.Key, "/")
		took[reg]++
	}
	return tasks, regs, nil
}

// reportRateLimited is POST /api/v1/registries/{name}/rate-limited: a
// scanner met a 429 from the registry. New scans of it pause for the
// whole fleet until the Retry-After has passed (a minute without one, an
// hour at most); scans running go on with their own retries.
func (c *Protocol) reportRateLimited(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	var in api.RateLimitedRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if _, ok, err := c.store.GetRegistry(r.Context(), name); err != nil {
		return err
	} else if !ok {
		return web.Errorf(http.StatusNotFound, "registry %q not found", name)
	}
	now := time.Now()
	until := now.Add(politeness.RetryAfter(in.RetryAfter, now))
	if err := c.politeness.Pause(r.Context(), name, until); err != nil {
		return err
	}
	c.rateLimited(name)
	c.log.Warn("registry rate-limits scans: new scans of it paused for the fleet", "registry", name, "until", until, "scanner", in.Scanner, "retry_after", in.RetryAfter)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Protocol) heartbeat(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in api.TaskIDs
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if err := c.alive(r.Context(), id); err != nil {
		return err
	}
	// Analysing a big layer may take longer than a claim's lifetime.
	if _, err := c.store.RenewLayerClaims(r.Context(), id, time.Now().Add(c.scannerTimeout)); err != nil {
		return err
	}
	out := api.HeartbeatResponse{Lost: []string{}}
	if len(in.TaskIDs) > 0 {
		err := c.queue.Heartbeat(r.Context(), id, in.TaskIDs, c.leaseDuration)
		var lle *queue.LeaseLostError
		switch {
		case errors.As(err, &lle):
			out.Lost = lle.IDs
		case err != nil:
			return err
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (c *Protocol) release(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in api.TaskIDs
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	// Hand back every task the scanner holds, not only those it names: a
	// lease answer lost to its shutdown would otherwise hold tasks until
	// their leases expire.
	held, err := c.queue.List(r.Context(), queue.ListFilter{States: []queue.State{queue.StateLeased}, Worker: id})
	if err != nil {
		return err
	}
	for _, t := range held {
		if !slices.Contains(in.TaskIDs, t.ID) {
			in.TaskIDs = append(in.TaskIDs, t.ID)
		}
	}
	if len(in.TaskIDs) > 0 {
		if err := c.queue.Release(r.Context(), id, in.TaskIDs); err != nil && !errors.Is(err, queue.ErrLeaseLost) {
			return err
		}
	}
	if err := c.store.SetScannerState(r.Context(), id, api.ScannerStopped); err != nil {
		return err
	}
	if _, err := c.store.DropLayerClaims(r.Context(), id); err != nil {
		return err
	}
	c.log.Info("scanner stopped", "scanner", id, "released", len(in.TaskIDs))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Protocol) result(w http.ResponseWriter, r *http.Request) error {
	taskID := r.PathValue("id")
	in, rep, err := decodeResult(r, taskID)
	if err != nil {
		return err
	}
	// The body is in hand: from here on the work runs to its end even if
	// the scanner hangs up (killed mid-post), so a task is never left done
	// without its result. Bounded, so a wedged database cannot pin the
	// handler forever.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), resultStoreTimeout)
	defer cancel()
	t, err := c.queue.Get(ctx, taskID)
	if errors.Is(err, queue.ErrNotFound) {
		return web.Errorf(http.StatusNotFound, "task %q not found", taskID)
	} else if err != nil {
		return err
	}
	var p web.TaskPayload
	if err := json.Unmarshal(t.Payload, &p); err != nil {
		return fmt.Errorf("task %s payload: %w", taskID, err)
	}
	// Only the holder's result counts, so a scanner presumed dead cannot
	// record a second scan of the image. A done task posted again by its
	// last holder is a retry (the scanner did not see the answer, or a
	// controller died between storing and completing): acknowledged, and
	// stored only if it is not already.
	if (t.State != queue.StateLeased && t.State != queue.StateDone) || t.LeasedBy != in.Scanner {
		return web.Errorf(http.StatusConflict, "task %s is not leased by scanner %q", taskID, in.Scanner)
	}
	// Store first, then complete: a crash between the two leaves the task
	// leased with its result stored, and the retry (or the lease check
	// once the task returns) completes it; the reverse order could lose
	// the result. A task's result is stored once, on every replica:
	// PutResult is idempotent per task id, so a repeated post (a retry, a
	// second holder that got the task while its first holder's post was
	// being stored, or a post racing on another controller) is
	// acknowledged, not stored again and not counted as a second scan.
	dbDigest := p.DBDigest
	if rep.DB != nil && rep.DB.Digest != "" {
		dbDigest = rep.DB.Digest
	}
	im := store.ImageSummary{Registry: p.Registry, Repository: p.Repository, Tag: p.Tag, Digest: p.Digest, Reference: p.Reference,
		DBDigest: dbDigest, ScannedAt: time.Now().UTC(), ScannedBy: in.Scanner, IndexDigest: p.IndexDigest, Platform: p.Platform}
	// Exceptions apply before storing, so every count and search sees
	// the excepted findings suppressed. The report decoded above is the
	// one evaluated and stored; the posted JSON is stored as sent unless
	// an exception changed it (then the engine encodes it once).
	raw := in.Report
	pend, err := c.triage.PreparePosted(ctx, store.ImageKey{Registry: p.Registry, Repository: p.Repository, Digest: p.Digest}, []string{p.Tag}, rep, in.Report)
	if err != nil {
		return err
	}
	if pend != nil {
		raw = pend.Raw
	}
	fresh, err := c.results.Put(ctx, store.Result{TaskID: taskID, Image: im, Report: rep, Raw: raw})
	if err != nil {
		return err
	}
	if fresh {
		c.triage.ResultStored(ctx, pend)
		c.scanDone("success", in.DurationSeconds)
		c.log.Info("scan stored", "task", taskID, "scanner", in.Scanner, "image", p.Reference, "packages", len(rep.Packages), "vulnerabilities", len(rep.Vulnerabilities))
	} else {
		c.log.Info("result already stored for this task; not stored or counted again", "task", taskID, "scanner", in.Scanner, "image", p.Reference)
	}
	if t.State == queue.StateLeased {
		// Idempotent in effect: a lease lost meanwhile (reaped, retaken)
		// leaves a valid result stored, and the new holder's post only
		// refreshes it.
		if err := c.queue.Complete(ctx, in.Scanner, taskID); err != nil && !errors.Is(err, queue.ErrLeaseLost) {
			return err
		}
	}
	_ = c.alive(ctx, in.Scanner)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resultStoredSince reports whether the image of task payload p has a
// result from scanner (any scanner when scanner is "") stored at or after
// since.
func (c *Protocol) resultStoredSince(ctx context.Context, p web.TaskPayload, scanner string, since time.Time) (bool, error) {
	return c.store.ResultStoredSince(ctx, store.ImageKey{Registry: p.Registry, Repository: p.Repository, Digest: p.Digest}, scanner, since)
}

func (c *Protocol) fail(w http.ResponseWriter, r *http.Request) error {
	taskID := r.PathValue("id")
	var in api.FailRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	fail := c.queue.Fail
	if in.Permanent {
		fail = c.queue.FailPermanently
	}
	if err := fail(r.Context(), in.Scanner, taskID, in.Error); err != nil {
		switch {
		case errors.Is(err, queue.ErrLeaseLost):
			return web.Errorf(http.StatusConflict, "task %s is not leased by scanner %q", taskID, in.Scanner)
		case errors.Is(err, queue.ErrNotFound):
			return web.Errorf(http.StatusNotFound, "task %q not found", taskID)
		}
		return err
	}
	_ = c.alive(r.Context(), in.Scanner)
	if err := c.store.CountScan(r.Context(), in.Scanner, false); err != nil {
		return err
	}
	c.scanDone("failure", 0)
	// A task that will not be retried is a failed scan to report.
	if t, err := c.queue.Get(r.Context(), taskID); err == nil && t.State == queue.StateFailed {
		var p web.TaskPayload
		if json.Unmarshal(t.Payload, &p) == nil {
			c.triage.ScanFailed(r.Context(), taskID, notify.Image{Registry: p.Registry, Repository: p.Repository, Digest: p.Digest,
				Tags: []string{p.Tag}}, in.Error)
		}
	}
	c.log.Warn("scan failed", "task", taskID, "scanner", in.Scanner, "permanent", in.Permanent, "err", in.Error)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// getLayer answers a layer lookup. With ?claim=ID a miss also claims the
// layer for the caller, and a caller asking while another claim is live
// gets 202 and should ask again shortly: this keeps scanners that start on
// images sharing a base layer at the same moment from all downloading it.
// Claims are rows in the shared store with an expiry, so scanners talking
// to different controllers share them too, and a dead holder's claim
// lapses on its own. POST /api/v1/layers/lookup (lookupLayers) does the
// same for all of an image's layers in one request.
func (c *Protocol) getLayer(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if err := checkLayerKey(key); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	raw, status, err := c.lookupLayer(r.Context(), key, r.URL.Query().Get("claim"))
	if err != nil {
		return err
	}
	switch status {
	case api.LayerFound:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(raw) // #nosec G705 -- a stored JSON document served as application/json, never HTML
		return nil
	case api.LayerPending:
		web.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "being analysed by another scanner"})
		return nil
	}
	return web.Errorf(http.StatusNotFound, "layer not known")
}

// lookupLayer looks key up for holder: the stored analysis (found) when
// it is known; else, with a holder, claimMissing's answer; without one,
// "" (a miss). It counts hits and misses in the metrics.
func (c *Protocol) lookupLayer(ctx context.Context, key, holder string) ([]byte, api.LayerStatus, error) {
	raw, ok, err := c.storedLayer(ctx, key)
	switch {
	case err != nil:
		return nil, "", err
	case ok:
		c.layerLookup(true)
		return raw, api.LayerFound, nil
	case holder == "":
		c.layerLookup(false)
		return nil, "", nil
	}
	return c.claimMissing(ctx, key, holder)
}

// claimMissing claims key, found missing, for holder: claimed, or pending
// when another holder's claim is live, or found when the analysis was
// stored meanwhile.
func (c *Protocol) claimMissing(ctx context.Context, key, holder string) ([]byte, api.LayerStatus, error) {
	got, err := c.claimLayer(ctx, key, holder)
	if err != nil {
		return nil, "", err
	}
	if !got {
		return nil, api.LayerPending, nil
	}
	// The lookup and the claim are two statements: the previous holder
	// may have stored its analysis (and so dropped its claim) between
	// them, and this claim would then download the layer a second time.
	// Look again now that the claim is ours.
	raw, ok, err := c.storedLayer(ctx, key)
	if err == nil && ok {
		_, err = c.store.ReleaseLayerClaim(ctx, key, holder)
		if err == nil || errors.Is(err, store.ErrInvalid) {
			c.layerLookup(true)
			return raw, api.LayerFound, nil
		}
	}
	if err != nil {
		// The caller learns of no claim: hand it back rather than
		// leave others waiting on it until it lapses.
		c.unclaimLayers(ctx, []string{key}, holder)
		return nil, "", err
	}
	c.layerLookup(false)
	return nil, api.LayerClaimed, nil
}

// storedLayer reads key's analysis from the store. A stored entry that
// does not decode (corrupted, or written by an older controller without
// checks) is a miss: the layer is analysed again and the entry replaced,
// never served as an empty layer.
func (c *Protocol) storedLayer(ctx context.Context, key string) ([]byte, bool, error) {
	raw, ok, err := c.store.GetLayer(ctx, key)
	if err != nil || !ok {
		return nil, false, err
	}
	if _, derr := decodeLayer(raw); derr != nil {
		c.log.Warn("unreadable layer analysis in the store; treated as a miss", "key", key, "err", derr)
		return nil, false, nil
	}
	return raw, true, nil
}

// claimLayer gives key to holder ("<scanner id>/<random>") unless another
// holder's claim is live.
func (c *Protocol) claimLayer(ctx context.Context, key, holder string) (bool, error) {
	scanner, _, _ := strings.Cut(holder, "/")
	now := time.Now()
	got, _, err := c.store.ClaimLayer(ctx, key, scanner, holder, now, now.Add(c.scannerTimeout))
	if errors.Is(err, store.ErrInvalid) {
		return false, web.Errorf(http.StatusBadRequest, "%v", err)
	}
	return got, err
}

// unclaimLayer gives up a claim (?claim=ID) without storing an analysis,
// as a scanner does when its scan failed or was cancelled.
func (c *Protocol) unclaimLayer(w http.ResponseWriter, r *http.Request) error {
	key, holder := r.PathValue("key"), r.URL.Query().Get("claim")
	if holder != "" {
		if _, err := c.store.ReleaseLayerClaim(r.Context(), key, holder); err != nil && !errors.Is(err, store.ErrInvalid) {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Protocol) putLayer(w http.ResponseWriter, r *http.Request) error {
	key, holder := r.PathValue("key"), r.URL.Query().Get("claim")
	if err := checkLayerKey(key); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	if holder == "" {
		return web.Errorf(http.StatusConflict, "layer %s: not claimed by %q (analyses are taken only from the scanner that claimed the layer on a miss)", key, holder)
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	a, err := decodeLayer(raw)
	if err != nil {
		return web.Errorf(http.StatusBadRequest, "layer %s: %v", key, err)
	}
	// Stored re-encoded, so the store holds exactly the checked shape;
	// only for the live holder of the claim, checked in the shared store
	// in the same statement, so any replica judges the claim alike.
	if raw, err = json.Marshal(a); err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	if err := c.store.PutClaimedLayer(ctx, key, holder, raw, time.Now()); err != nil {
		if errors.Is(err, store.ErrNotHolder) || errors.Is(err, store.ErrInvalid) {
			return web.Errorf(http.StatusConflict, "layer %s: not claimed by %q (analyses are taken only from the scanner that claimed the layer on a miss)", key, holder)
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Registration bounds: a name is shown in listings and logs, and
// concurrency sizes leases.
const (
	maxScannerName        = 253 // a DNS name, as pod names are
	maxScannerConcurrency = 256
)

// resultStoreTimeout bounds storing a posted result once its request is
// read.
const resultStoreTimeout = 2 * time.Minute

// Group commit of results (resultBatcher): at most resultBatchMax results
// to a transaction, resultBatchParallel transactions at once per
// controller (their rows are written in one order, so they do not
// deadlock).
const (
	resultBatchMax      = 32
	resultBatchParallel = 2
)
