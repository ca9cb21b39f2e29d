// Package triage is the controller's side of issue #20: it keeps the fleet
// exceptions applied to every stored result, re-evaluates results when an
// exception is made, changed, deleted or expires, and publishes
// notification events for what changed. Its routes are served by
// controller/triageapi.
//
// Exceptions are applied to a report before it is stored (and again when
// it is re-evaluated), so every read path sees the same thing: image
// lists and counts, CVE search (the store's CVE index holds only counted
// findings), exports and admission decisions (which add namespace-scoped
// exceptions, see ForAdmission).
package triage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Store is what the engine uses of the control-plane store.
type Store interface {
	store.Exceptions
	store.Audit
	store.Notifications
	GetRegistry(ctx context.Context, name string) (store.Registry, bool, error)
	Report(ctx context.Context, k store.ImageKey) ([]byte, bool, error)
	ImagesWithVuln(ctx context.Context, ids ...string) ([]store.ImageKey, error)
	ImageTags(ctx context.Context) (map[store.ImageKey][]string, error)
}

// Engine applies the exceptions and publishes what changes.
type Engine struct {
	Store Store
	// Publisher, when set, receives the events of re-evaluations (and of
	// whatever the controller reports through Publish).
	Publisher *notify.Publisher
	Log       *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu sync.Mutex
	// reconciled is the state (exceptions and which had expired) the
	// last Reconcile made every result agree with.
	reconciled string

	// snap is the exception list as last read by a result's check after
	// storing (see applyResult): the next result evaluates against it
	// instead of reading the list once more.
	snapMu sync.Mutex
	snap   *snapshot
	// dropped is when invalidate last ran: a read started before it may
	// predate the change and does not become the snapshot.
	dropped time.Time
}

// snapshot is an exception list read from the store at a time.
type snapshot struct {
	set  *exception.Set
	list []exception.Exception
	read time.Time // wall clock, not Now: it bounds staleness
}

// snapshotMaxAge bounds how old an exception list a new result is first
// evaluated against. A list changed meanwhile on another replica is not
// missed: the check after storing (Stored) always reads the list afresh
// and re-evaluates the result before its post is answered. The bound
// keeps that correction (and its extra pair of events) rare.
const snapshotMaxAge = time.Second

// resultSet is the exception list for a new result: the last snapshot
// if it is younger than snapshotMaxAge, else the list read now.
func (e *Engine) resultSet(ctx context.Context) (*exception.Set, []exception.Exception, error) {
	e.snapMu.Lock()
	s := e.snap
	e.snapMu.Unlock()
	if s != nil && time.Since(s.read) < snapshotMaxAge {
		return s.set, s.list, nil
	}
	return e.readSet(ctx)
}

// readSet reads the exception list and makes it the snapshot.
func (e *Engine) readSet(ctx context.Context) (*exception.Set, []exception.Exception, error) {
	started := time.Now()
	set, list, err := e.Set(ctx)
	if err != nil {
		return nil, nil, err
	}
	e.snapMu.Lock()
	if started.After(e.dropped) && (e.snap == nil || e.snap.read.Before(started)) {
		e.snap = &snapshot{set: set, list: list, read: started}
	}
	e.snapMu.Unlock()
	return set, list, nil
}

// invalidate drops the snapshot: an exception changed through this
// engine applies to the next result without waiting for snapshotMaxAge.
func (e *Engine) invalidate() {
	e.snapMu.Lock()
	e.snap, e.dropped = nil, time.Now()
	e.snapMu.Unlock()
}

func (e *Engine) now() time.Time { return e.Clock() }

// Clock is the engine's current time.
func (e *Engine) Clock() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) log() *slog.Logger { return e.Logger() }

// Logger is the engine's logger (a discarding one when none is set).
func (e *Engine) Logger() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Set loads the exceptions in force (expired ones included: Apply says
// which would have applied).
func (e *Engine) Set(ctx context.Context) (*exception.Set, []exception.Exception, error) {
	list, err := e.Store.ListExceptions(ctx)
	if err != nil {
		return nil, nil, err
	}
	return exception.NewSet(list), list, nil
}

// fingerprint identifies a set of exceptions and which of them have
// expired at now: results evaluated under one fingerprint need no second
// evaluation under it.
func fingerprint(list []exception.Exception, now time.Time) string {
	h := sha256.New()
	for _, x := range list {
		b, _ := json.Marshal(x) // an Exception always encodes
		h.Write(b)
		h.Write([]byte{0, boolByte(x.ActiveAt(now))})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// Target is the image of k as exceptions see it: the registry's name and
// host, the repository, its tags and digest.
func (e *Engine) Target(ctx context.Context, k store.ImageKey, tags []string) exception.Target {
	t := exception.Target{Registries: []string{k.Registry}, Repository: k.Repository, Tags: tags, Digest: k.Digest}
	if reg, ok, err := e.Store.GetRegistry(ctx, k.Registry); err == nil && ok {
		if u, err := url.Parse(reg.URL); err == nil && u.Host != "" && u.Host != k.Registry {
			t.Registries = append(t.Registries, u.Host)
		}
	}
	return t
}

// Apply evaluates rep, about to be stored as k's result, against the
// exceptions (rep is changed in place) and returns the fingerprint of the
// set it used, for Stored.
func (e *Engine) Apply(ctx context.Context, k store.ImageKey, tags []string, rep *report.Report) (string, error) {
	set, list, err := e.Set(ctx)
	if err != nil {
		return "", fmt.Errorf("exceptions for %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	now := e.now()
	set.Apply(rep, e.Target(ctx, k, tags), now)
	return fingerprint(list, now), nil
}

// applyResult is Apply for a new result, against resultSet's list. It
// also reports whether rep changed: false when no exception applies (no
// finding suppressed, no expiry warning, nothing of an earlier
// evaluation in rep to undo).
func (e *Engine) applyResult(ctx context.Context, k store.ImageKey, tags []string, rep *report.Report) (string, bool, error) {
	set, list, err := e.resultSet(ctx)
	if err != nil {
		return "", false, fmt.Errorf("exceptions for %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	now := e.now()
	changed := exception.Reset(rep) // Apply resets too; done here to know
	out := set.Apply(rep, e.Target(ctx, k, tags), now)
	changed = changed || len(out.Suppressed) > 0 || len(out.Expired) > 0
	return fingerprint(list, now), changed, nil
}

// Stored closes the race between storing a result and changing an
// exception: if the exceptions changed since Apply used fp, k is
// re-evaluated now. (An exception changed after this check finds k
// itself: its re-evaluation starts after the result is stored.) The
// list is always read afresh here, after the store, and becomes the
// snapshot the next result starts from.
func (e *Engine) Stored(ctx context.Context, k store.ImageKey, fp string) error {
	_, list, err := e.readSet(ctx)
	if err != nil {
		return err
	}
	if fingerprint(list, e.now()) == fp {
		return nil
	}
	_, err = e.Reevaluate(ctx, []store.ImageKey{k}, "exception changed")
	return err
}

// ForAdmission evaluates a stored report (already evaluated without a
// namespace) for a workload in namespace, so that namespace-scoped
// exceptions apply to admission decisions too.
func (e *Engine) ForAdmission(ctx context.Context, k store.ImageKey, tags []string, namespace string, rep *report.Report) error {
	set, _, err := e.Set(ctx)
	if err != nil {
		return err
	}
	t := e.Target(ctx, k, tags)
	t.Namespace = namespace
	set.Apply(rep, t, e.now())
	return nil
}

// Reevaluate applies the current exceptions to the stored results of
// keys, storing each whose findings or warnings change (a result stored
// meanwhile by a scan is evaluated again), and publishes the findings
// each gained or lost as one batch of events with cause. It returns how
// many results changed.
func (e *Engine) Reevaluate(ctx context.Context, keys []store.ImageKey, cause string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	set, list, err := e.Set(ctx)
	if err != nil {
		return 0, err
	}
	tags, err := e.Store.ImageTags(ctx)
	if err != nil {
		return 0, err
	}
	now := e.now()
	change := fingerprint(list, now)[:16]
	var (
		changed int
		events  []notify.Event
		errs    []error
	)
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return changed, err
		}
		evs, ok, err := e.reevaluate(ctx, set, k, tags[k], now, cause, change)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			changed++
			events = append(events, evs...)
		}
	}
	if e.Publisher != nil && len(events) > 0 {
		if _, err := e.Publisher.Publish(ctx, events...); err != nil {
			errs = append(errs, err)
		}
	}
	return changed, errors.Join(errs...)
}

// reevaluate re-applies set to k's stored report; a report replaced by a
// scan between read and write is read again (a few times: a result is
// not stored faster than that).
func (e *Engine) reevaluate(ctx context.Context, set *exception.Set, k store.ImageKey, tags []string, now time.Time, cause, change string) ([]notify.Event, bool, error) {
	target := e.Target(ctx, k, tags)
	for attempt := 0; attempt < 5; attempt++ {
		raw, ok, err := e.Store.Report(ctx, k)
		if err != nil || !ok {
			return nil, false, err
		}
		var before, after report.Report
		if err := json.Unmarshal(raw, &before); err != nil {
			return nil, false, fmt.Errorf("report of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
		}
		if err := json.Unmarshal(raw, &after); err != nil {
			return nil, false, err
		}
		set.Apply(&after, target, now)
		if sameOutcome(&before, &after) {
			return nil, false, nil
		}
		newRaw, err := json.Marshal(&after)
		if err != nil {
			return nil, false, err
		}
		replaced, err := e.Store.ReplaceReport(ctx, k, raw, &after, newRaw)
		if err != nil {
			return nil, false, err
		}
		if replaced {
			img := notify.Image{Registry: k.Registry, Repository: k.Repository, Digest: k.Digest, Tags: tags}
			return notify.ImageEvents(img, cause, change, now, &before, &after), true, nil
		}
	}
	return nil, false, fmt.Errorf("re-evaluating %s/%s@%s: its result kept changing", k.Registry, k.Repository, k.Digest)
}

// sameOutcome reports whether applying exceptions changed nothing a
// reader sees: the same findings counted, the same suppressed by the
// same exceptions, the same warnings.
func sameOutcome(a, b *report.Report) bool {
	key := func(r *report.Report) string {
		var parts []string
		for _, v := range r.Vulnerabilities {
			parts = append(parts, "v|"+v.ID+"|"+v.Package+"|"+v.InstalledVersion+"|"+v.PackagePath)
		}
		for _, s := range r.Suppressed {
			exp := ""
			if s.Expires != nil {
				exp = strconv.FormatInt(s.Expires.UnixNano(), 10)
			}
			parts = append(parts, "s|"+s.Vulnerability.ID+"|"+s.Vulnerability.Package+"|"+s.Vulnerability.InstalledVersion+"|"+
				s.Vulnerability.PackagePath+"|"+s.Status+"|"+s.Exception+"|"+s.Statement+"|"+s.Author+"|"+exp)
		}
		slices.Sort(parts)
		return strings.Join(parts, "\n") + "\n" + strings.Join(r.Warnings, "\n")
	}
	return key(a) == key(b)
}

// candidates are the stored results an exception may change: those with
// a finding of its vulnerability (as spelt, and upper-cased for CVE ids)
// and those it already suppresses findings in.
func (e *Engine) candidates(ctx context.Context, list []exception.Exception, ids ...string) ([]store.ImageKey, error) {
	var vulns []string
	for _, x := range list {
		vulns = append(vulns, x.Vulnerability, strings.ToUpper(x.Vulnerability))
	}
	slices.Sort(vulns)
	vulns = slices.Compact(vulns)
	seen := map[store.ImageKey]bool{}
	var out []store.ImageKey
	add := func(keys []store.ImageKey) {
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	if len(vulns) > 0 {
		keys, err := e.Store.ImagesWithVuln(ctx, vulns...)
		if err != nil {
			return nil, err
		}
		add(keys)
	}
	if len(ids) > 0 {
		keys, err := e.Store.ImagesWithException(ctx, ids...)
		if err != nil {
			return nil, err
		}
		add(keys)
	}
	return out, nil
}

// Changed re-evaluates the results exception id may change after it was
// created, replaced or deleted (old is the version before, if any).
func (e *Engine) Changed(ctx context.Context, id string, old, cur *exception.Exception) (int, error) {
	e.invalidate()
	var list []exception.Exception
	for _, x := range []*exception.Exception{old, cur} {
		if x != nil {
			list = append(list, *x)
		}
	}
	keys, err := e.candidates(ctx, list, id)
	if err != nil {
		return 0, fmt.Errorf("exception %s: finding the results to re-evaluate: %w", id, err)
	}
	n, err := e.Reevaluate(ctx, keys, "exception "+id+" changed")
	if err != nil {
		return n, fmt.Errorf("exception %s: %w", id, err)
	}
	return n, nil
}

// Reconcile makes every stored result agree with the exceptions as they
// are now, when they differ from what it last reconciled (an exception
// expired, or changed on a replica whose own re-evaluation was cut
// short). The first call on a process re-evaluates every candidate. Run
// it periodically on the lead controller; it is idempotent.
func (e *Engine) Reconcile(ctx context.Context) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, list, err := e.Set(ctx)
	if err != nil {
		return 0, err
	}
	now := e.now()
	fp := fingerprint(list, now)
	if fp == e.reconciled {
		return 0, nil
	}
	ids := make([]string, 0, len(list))
	var expired []string
	for _, x := range list {
		ids = append(ids, x.ID)
		if !x.ActiveAt(now) {
			expired = append(expired, x.ID)
		}
	}
	keys, err := e.candidates(ctx, list, ids...)
	if err != nil {
		return 0, err
	}
	cause := "exceptions changed"
	if len(expired) > 0 {
		cause = "exception expired: " + strings.Join(expired, ", ")
	}
	n, err := e.Reevaluate(ctx, keys, cause)
	if err != nil {
		return n, err
	}
	e.reconciled = fp
	if n > 0 {
		e.log().Info("exceptions reconciled", "results_changed", n, "candidates", len(keys), "expired", expired)
	}
	return n, nil
}

// Run reconciles every interval until ctx ends.
func (e *Engine) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := e.Reconcile(ctx); err != nil && ctx.Err() == nil {
			e.log().Warn("reconciling exceptions", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
