package triage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// The calls the controller's result, re-match, admission and crawl paths
// make. Every method is safe on a nil *Engine (exceptions and
// notifications off), so a caller needs no condition of its own.

// Pending is a result being stored: what PrepareResult did, for
// ResultStored.
type Pending struct {
	// Raw is the report to store: rep as evaluated against the
	// exceptions.
	Raw    []byte
	k      store.ImageKey
	tags   []string
	fp     string
	before *report.Report
	after  *report.Report
}

// PrepareResult evaluates rep, a new result for k, against the
// exceptions and returns what to store; nil (store the report as posted)
// on a nil engine. The previous result is read for ResultStored's events.
func (e *Engine) PrepareResult(ctx context.Context, k store.ImageKey, tags []string, rep *report.Report) (*Pending, error) {
	return e.PreparePosted(ctx, k, tags, rep, nil)
}

// PreparePosted is PrepareResult for rep decoded from posted, the JSON
// as the scanner sent it: when no exception applies, Raw is posted
// itself (stored byte for byte) rather than rep encoded again. With
// posted nil, Raw is always rep encoded.
//
// The exceptions are those of the engine's snapshot when it is under a
// second old (the list the previous result's check read after storing),
// so a result costs one read of the list, in ResultStored; a change made
// meanwhile on another replica is caught there.
func (e *Engine) PreparePosted(ctx context.Context, k store.ImageKey, tags []string, rep *report.Report, posted []byte) (*Pending, error) {
	if e == nil {
		return nil, nil
	}
	p := &Pending{k: k, tags: tags, after: rep}
	// The previous result only feeds ResultStored's events: not read
	// when there is nobody to publish them to.
	if e.Publisher != nil {
		if raw, ok, err := e.Store.Report(ctx, k); err == nil && ok {
			var prev report.Report
			if json.Unmarshal(raw, &prev) == nil {
				p.before = &prev
			}
		}
	}
	fp, changed, err := e.applyResult(ctx, k, tags, rep)
	if err != nil {
		return nil, err
	}
	p.fp = fp
	if !changed && posted != nil {
		p.Raw = posted
		return p, nil
	}
	if p.Raw, err = json.Marshal(rep); err != nil {
		return nil, fmt.Errorf("encoding the report of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return p, nil
}

// ResultStored finishes a stored result: a re-evaluation if the
// exceptions changed meanwhile, and the events of what the new result
// changed (findings gained or lost since the previous result). Errors are
// logged: the result is stored whatever happens here.
func (e *Engine) ResultStored(ctx context.Context, p *Pending) {
	if e == nil || p == nil {
		return
	}
	if err := e.Stored(ctx, p.k, p.fp); err != nil {
		e.log().Warn("re-evaluating a result stored while exceptions changed", "image", p.k, "err", err)
	}
	if p.before == nil {
		// A first result is no change to notify: subscribers hear of
		// what changes, not of every image the fleet discovers.
		return
	}
	change := ""
	if p.after.DB != nil {
		change = p.after.DB.Digest
	}
	change += "|" + p.after.ScannedAt.UTC().Format(time.RFC3339Nano)
	img := notify.Image{Registry: p.k.Registry, Repository: p.k.Repository, Digest: p.k.Digest, Tags: p.tags}
	e.Publish(ctx, notify.ImageEvents(img, "scan", change, e.now(), p.before, p.after)...)
}

// ApplyStored evaluates a stored report being rewritten (a re-match)
// against the exceptions. The re-match must have started from
// exception.Reset of the stored report, so findings it suppressed are
// matched again like any other.
func (e *Engine) ApplyStored(ctx context.Context, k store.ImageKey, tags []string, rep *report.Report) error {
	if e == nil {
		return nil
	}
	_, err := e.Apply(ctx, k, tags, rep)
	return err
}

// RematchEvents are the events of one image's re-match (before and after
// as counted); the caller publishes the events of a whole database
// update at once, so subscribers get one digest.
func (e *Engine) RematchEvents(k store.ImageKey, tags []string, dbAfter string, before, after *report.Report) []notify.Event {
	if e == nil || e.Publisher == nil {
		return nil
	}
	img := notify.Image{Registry: k.Registry, Repository: k.Repository, Digest: k.Digest, Tags: tags}
	return notify.ImageEvents(img, "database update", dbAfter, e.now(), before, after)
}

// Publish queues events for the subscribers, logging a failure (a lost
// notification must not fail the work it reports on).
func (e *Engine) Publish(ctx context.Context, events ...notify.Event) {
	if e == nil || e.Publisher == nil || len(events) == 0 {
		return
	}
	if _, err := e.Publisher.Publish(context.WithoutCancel(ctx), events...); err != nil {
		e.log().Error("queueing notifications", "events", len(events), "err", err)
	}
}

// ScanFailed publishes that the scan task taskID of image failed for good.
func (e *Engine) ScanFailed(ctx context.Context, taskID string, img notify.Image, reason string) {
	if e == nil {
		return
	}
	e.Publish(ctx, notify.Event{ID: notify.EventID(notify.ScanFailed, taskID), Type: notify.ScanFailed, At: e.now(),
		Image: &img, Error: reason})
}

// CrawlFailed publishes that crawl id of registry failed.
func (e *Engine) CrawlFailed(ctx context.Context, id, registry, reason string) {
	if e == nil {
		return
	}
	e.Publish(ctx, notify.Event{ID: notify.EventID(notify.CrawlFailed, id, registry), Type: notify.CrawlFailed, At: e.now(),
		Registry: registry, Error: reason})
}

// AdmissionDenied publishes that admission review uid was denied.
func (e *Engine) AdmissionDenied(ctx context.Context, uid, namespace, workload, message string) {
	if e == nil {
		return
	}
	e.Publish(ctx, notify.Event{ID: notify.EventID(notify.AdmissionDenied, uid), Type: notify.AdmissionDenied, At: e.now(),
		Namespace: namespace, Workload: workload, Message: message})
}

// ForAdmissionTarget evaluates a stored report for an admission review:
// t names the image as admission resolved it (registry host and name,
// repository, tag, digest) and the workload's namespace, so
// namespace-scoped exceptions apply too. Nil-safe.
func (e *Engine) ForAdmissionTarget(ctx context.Context, t exception.Target, rep *report.Report) error {
	if e == nil {
		return nil
	}
	set, _, err := e.Set(ctx)
	if err != nil {
		return err
	}
	set.Apply(rep, t, e.now())
	return nil
}
