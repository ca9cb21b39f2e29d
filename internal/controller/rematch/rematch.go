// Package rematch re-matches stored inventories against a new
// vulnerability database without pulling anything, records per image
// which findings appeared and disappeared, enqueues full rescans for the
// registries that ask for them, and serves those changes.
package rematch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// Rematcher re-matches the shared store's inventories. The database
// last re-matched against is this process's memory: after a restart (or
// on a new leader) the first check re-matches what is not yet matched
// against the database in service, which is only what a missed pass left.
type Rematcher struct {
	store   store.Store
	queue   queue.Queue
	watcher *vulndb.Watcher // nil: no database, nothing to re-match
	log     *slog.Logger
	// triage applies the exceptions to re-matched reports and publishes
	// what a database update changed (nil: neither).
	triage *triage.Engine

	mu sync.Mutex
	// rematchedDB is the DB digest stored inventories were last
	// re-matched against ("" before the first CheckDB).
	rematchedDB string
	// checkMu serialises CheckDB: two re-match passes at once would
	// only do the same work twice.
	checkMu sync.Mutex
}

// New returns a re-matcher over st and q for the database watcher w
// (nil: none).
func New(st store.Store, q queue.Queue, w *vulndb.Watcher, log *slog.Logger) *Rematcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Rematcher{store: st, queue: q, watcher: w, log: log}
}

// SetTriage makes re-matched reports go through the exceptions, and a
// database update's changes reach the subscribers as one batch of events
// (issue #20).
func (c *Rematcher) SetTriage(e *triage.Engine) { c.triage = e }

// Routes registers GET /api/v1/images/{digest}/changes.
func (c *Rematcher) Routes(h web.Route) {
	h("GET /api/v1/images/{digest}/changes", web.ReadAccess, 0, c.imageChanges)
}

func (c *Rematcher) dbDigest() string {
	if c.watcher == nil {
		return ""
	}
	db, release := c.watcher.Acquire()
	defer release()
	return db.Info().Digest
}

// RematchStats summarises one re-match pass.
type RematchStats struct {
	DBDigest  string `json:"db_digest"`
	Images    int    `json:"images"`
	Changed   int    `json:"changed"`
	Errors    int    `json:"errors"`
	Enqueued  int    `json:"enqueued"`
	Unchanged bool   `json:"-"` // the database had not changed: nothing done
}

// CheckDB makes the watcher look at the database file now and, when the
// database in service differs from the one last re-matched against,
// re-matches every stored inventory (Rematch). Run calls it periodically;
// it is exported so `db update` style callers and tests can trigger it.
func (c *Rematcher) CheckDB(ctx context.Context) (RematchStats, error) {
	if c.watcher == nil {
		return RematchStats{Unchanged: true}, nil
	}
	c.checkMu.Lock()
	defer c.checkMu.Unlock()
	// A rejected new file keeps the old DB in service; the watcher logs it.
	_, _ = c.watcher.Check()
	cur := c.dbDigest()
	c.mu.Lock()
	last := c.rematchedDB
	c.mu.Unlock()
	if cur == last {
		return RematchStats{DBDigest: cur, Unchanged: true}, nil
	}
	st, err := c.Rematch(ctx)
	if err == nil {
		c.mu.Lock()
		c.rematchedDB = st.DBDigest
		c.mu.Unlock()
	}
	return st, err
}

// Rematch re-matches the stored inventory (OS and packages) of every
// image not matched against the current database, without pulling
// anything, stores the new findings and records per image which IDs
// appeared and disappeared. Images of registries with
// RescanAfterDBUpdate are then also enqueued for a full scan (periodic
// priority); their task keys carry the new DB digest, so they do not
// collide with tasks queued under the old one.
//
// Known limits: VEX suppressions and per-layer findings (--layers) of the
// stored report are not recomputed; the per-layer lists are dropped
// rather than left stale.
func (c *Rematcher) Rematch(ctx context.Context) (RematchStats, error) {
	var st RematchStats
	if c.watcher == nil {
		return st, errors.New("rematch: no vulnerability database configured")
	}
	db, release := c.watcher.Acquire()
	defer release()
	info := db.Info()
	st.DBDigest = info.Digest
	keys, err := c.store.ImagesNotMatchedWith(ctx, info.Digest)
	if err != nil {
		return st, err
	}
	// Rescans are queued before re-matching: re-matching moves an image
	// to the new database, so a controller killed in between would
	// otherwise find nothing left to rescan when it restarts.
	if st.Enqueued, err = c.enqueueRescans(ctx, info.Digest, keys); err != nil {
		return st, err
	}
	// The events of the whole update are published at once: subscribers
	// get one digest however many images changed.
	var events []notify.Event
	defer func() { c.triage.Publish(ctx, events...) }()
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		st.Images++
		changed, err := c.rematchImage(ctx, db, k, &events, &report.DBInfo{SchemaVersion: info.SchemaVersion, BuiltAt: info.BuiltAt, Digest: info.Digest, AdvisoriesDigest: info.AdvisoriesDigest})
		if err != nil {
			st.Errors++
			c.log.Warn("re-matching image", "registry", k.Registry, "repository", k.Repository, "digest", k.Digest, "err", err)
			continue
		}
		if changed {
			st.Changed++
		}
	}
	c.log.Info("re-matched stored inventories against new vulnerability database", "db", info.Digest,
		"images", st.Images, "changed", st.Changed, "errors", st.Errors, "enqueued", st.Enqueued)
	return st, nil
}

// vulnIDs is the sorted set of a finding list's IDs.
func vulnIDs(vs []report.Vulnerability) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.ID)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// minus returns the elements of sorted a not in sorted b.
func minus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

func (c *Rematcher) rematchImage(ctx context.Context, db match.Store, k store.ImageSummary, events *[]notify.Event, dbInfo *report.DBInfo) (bool, error) {
	raw, ok, err := c.store.Report(ctx, k.Key())
	if err != nil {
		return false, fmt.Errorf("reading stored report: %w", err)
	}
	if !ok {
		return false, errors.New("reading stored report: deleted meanwhile")
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return false, fmt.Errorf("decoding stored report: %w", err)
	}
	before := vulnIDs(rep.Vulnerabilities)
	kevBefore := kevIDs(rep.Vulnerabilities)
	sevBefore := sevCounts(rep.Vulnerabilities)
	counted := report.Report{Vulnerabilities: slices.Clone(rep.Vulnerabilities)}
	if c.triage != nil {
		// Excepted findings are re-matched and re-rated like the others,
		// then the exceptions apply again (below).
		exception.Reset(&rep)
	}
	// A database whose advisories are those the stored findings were
	// matched with (only KEV, EPSS, scores or titles changed, as they do
	// daily) needs the findings re-rated, not re-matched: the per-layer
	// lists and the VEX-suppressed findings are re-rated too and kept.
	rerank := rep.DB != nil && rep.DB.AdvisoriesDigest != "" && rep.DB.AdvisoriesDigest == dbInfo.AdvisoriesDigest
	if rerank {
		if err := match.Enrich(ctx, db, rep.Vulnerabilities); err != nil {
			return false, fmt.Errorf("re-rating: %w", err)
		}
		match.SortByRisk(rep.Vulnerabilities)
		if rep.Image != nil {
			for i := range rep.Image.Layers {
				if err := match.Enrich(ctx, db, rep.Image.Layers[i].Vulnerabilities); err != nil {
					return false, fmt.Errorf("re-rating: %w", err)
				}
				match.SortByRisk(rep.Image.Layers[i].Vulnerabilities)
			}
		}
		for i := range rep.Suppressed {
			one := []report.Vulnerability{rep.Suppressed[i].Vulnerability}
			if err := match.Enrich(ctx, db, one); err != nil {
				return false, fmt.Errorf("re-rating: %w", err)
			}
			rep.Suppressed[i].Vulnerability = one[0]
		}
		rep.DB = dbInfo
	} else {
		vulns, cov, err := match.Match(ctx, db, rep.OS, rep.Packages)
		if err != nil {
			return false, fmt.Errorf("matching: %w", err)
		}
		if vulns == nil {
			vulns = []report.Vulnerability{}
		}
		rep.Vulnerabilities, rep.Coverage, rep.DB = vulns, cov, dbInfo
		if rep.Image != nil {
			for i := range rep.Image.Layers {
				rep.Image.Layers[i].Vulnerabilities = nil
			}
		}
	}
	tags := []string{k.Tag}
	if err := c.triage.ApplyStored(ctx, k.Key(), tags, &rep); err != nil {
		return false, fmt.Errorf("exceptions: %w", err)
	}
	*events = append(*events, c.triage.RematchEvents(k.Key(), tags, dbInfo.Digest, &counted, &rep)...)
	vulns := rep.Vulnerabilities
	after := vulnIDs(vulns)
	ch := store.ImageChanges{Registry: k.Registry, Repository: k.Repository, Digest: k.Digest,
		DBBefore: k.DBDigest, DBAfter: dbInfo.Digest, ChangedAt: time.Now().UTC(),
		New: minus(after, before), Fixed: minus(before, after),
		EnteredKEV: minus(kevIDs(vulns), kevBefore), Reranked: rerank}
	if len(ch.EnteredKEV) > 0 {
		c.log.Warn("findings entered CISA's Known Exploited Vulnerabilities catalog", "registry", k.Registry,
			"repository", k.Repository, "digest", k.Digest, "ids", ch.EnteredKEV)
	}
	newRaw, err := json.Marshal(&rep)
	if err != nil {
		return false, fmt.Errorf("encoding report: %w", err)
	}
	if err := c.store.PutRematch(ctx, ch, &rep, newRaw); err != nil {
		return false, err
	}
	return len(ch.New)+len(ch.Fixed)+len(ch.EnteredKEV) > 0 || !maps.Equal(sevBefore, sevCounts(vulns)), nil
}

// kevIDs is the sorted set of the IDs of findings in KEV.
func kevIDs(vs []report.Vulnerability) []string {
	out := []string{}
	for _, v := range vs {
		if v.KEV != nil {
			out = append(out, v.ID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sevCounts(vs []report.Vulnerability) map[string]int {
	m := map[string]int{}
	for _, v := range vs {
		m[strings.ToUpper(string(v.Severity))]++
	}
	return m
}

// enqueueRescans enqueues a full scan of the images among keys (those
// just re-matched) whose registry asked for one after a database update.
func (c *Rematcher) enqueueRescans(ctx context.Context, dbDigest string, keys []store.ImageSummary) (int, error) {
	regs, err := c.store.ListRegistries(ctx)
	if err != nil {
		return 0, err
	}
	var tasks []queue.Task
	for _, r := range regs {
		if !r.RescanAfterDBUpdate {
			continue
		}
		host, err := web.RegistryHost(r.URL)
		if err != nil {
			return 0, fmt.Errorf("registry %q: %w", r.Name, err)
		}
		for _, k := range keys {
			if k.Registry != r.Name {
				continue
			}
			t, err := web.ScanTask(r.Name, host, k.Repository, k.Tag, k.Digest, dbDigest, queue.PriorityPeriodic)
			if err != nil {
				return 0, err
			}
			tasks = append(tasks, t)
		}
	}
	if len(tasks) == 0 {
		return 0, nil
	}
	n, err := c.queue.EnqueueBatch(ctx, tasks)
	if err != nil {
		return n, fmt.Errorf("enqueueing rescans: %w", err)
	}
	return n, nil
}

// imageChanges is GET /api/v1/images/{digest}/changes.
func (c *Rematcher) imageChanges(w http.ResponseWriter, r *http.Request) error {
	d := r.PathValue("digest")
	ch, ok, err := c.store.ImageChanges(r.Context(), d)
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "no database change recorded for image %s", d)
	}
	web.WriteJSON(w, http.StatusOK, apiconv.ImageChanges(ch))
	return nil
}

// Check is CheckDB for the leader's loop: a failure is logged, and the
// next tick retries.
func (c *Rematcher) Check(ctx context.Context) {
	if _, err := c.CheckDB(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("re-matching after database change", "err", err)
	}
}
