package triage_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
	"github.com/scanfleet/scanfleet/internal/triage/triagetest"
)

// The story: except CVE-X for team/* for 30 days with a reason;
// the counts drop everywhere; after expiry the findings come back by
// themselves, and it is said; each change is an event.
func TestExceptionLifecycle(t *testing.T) {
	f := triagetest.New(t)
	ctx := context.Background()
	total, hits, _ := f.Counted(t)
	onCVE := triagetest.CountID(f.Report.Vulnerabilities, triagetest.CVE)
	if hits != 1 || onCVE < 2 {
		t.Fatalf("before: CVE search finds %d images, %d findings of %s", hits, onCVE, triagetest.CVE)
	}

	exp := triagetest.T0.Add(30 * 24 * time.Hour)
	x := exception.Exception{ID: "exc-1", Vulnerability: triagetest.CVE, Repositories: []string{"team/*"}, Reason: "openssl CMS not used",
		Author: "alice", Created: triagetest.T0, Expires: &exp}
	if _, err := f.Store.PutException(ctx, x, "alice", triagetest.T0); err != nil {
		t.Fatal(err)
	}
	n, err := f.Engine.Changed(ctx, x.ID, nil, &x)
	if err != nil || n != 1 {
		t.Fatalf("Changed re-evaluated %d results, %v", n, err)
	}
	vulns, hits, rep := f.Counted(t)
	if vulns != total-onCVE || hits != 0 || triagetest.CountID(rep.Vulnerabilities, triagetest.CVE) != 0 {
		t.Fatalf("after the exception: %d findings (want %d), CVE search %d images", vulns, total-onCVE, hits)
	}
	sup := 0
	for _, s := range rep.Suppressed {
		if s.Exception == "exc-1" && s.Statement == x.Reason && s.Author == "alice" && s.Expires.Equal(exp) {
			sup++
		}
	}
	if sup != onCVE {
		t.Fatalf("%d suppressed entries name the exception, want %d", sup, onCVE)
	}
	// A new scan of the image is stored with the exception applied.
	f.StoreResult(t, triagetest.T0.Add(time.Hour))
	if vulns, hits, _ := f.Counted(t); vulns != total-onCVE || hits != 0 {
		t.Fatalf("a new scan counts %d findings, CVE search %d", vulns, hits)
	}

	// A day before expiry nothing changes; after it the findings are back.
	f.Clock.Set(exp.Add(-24 * time.Hour))
	if n, err := f.Engine.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("reconcile before expiry changed %d, %v", n, err)
	}
	f.Clock.Set(exp.Add(time.Minute))
	if n, err := f.Engine.Reconcile(ctx); err != nil || n != 1 {
		t.Fatalf("reconcile after expiry changed %d, %v", n, err)
	}
	vulns, hits, rep = f.Counted(t)
	if vulns != total || hits != 1 || !strings.Contains(strings.Join(rep.Warnings, "\n"), "exception exc-1") {
		t.Fatalf("after expiry: %d findings (want %d), CVE search %d, warnings %q", vulns, total, hits, rep.Warnings)
	}
	if n, _ := f.Engine.Reconcile(ctx); n != 0 {
		t.Fatalf("a second reconcile changed %d", n)
	}

	// Events: the removal, then the return with its cause.
	evs := f.Events(t)
	if len(evs) != 2 || evs[0].Type != notify.ImageFindingsRemoved || len(evs[0].Events[0].Findings) != onCVE ||
		evs[1].Type != notify.ImageFindingsAdded || !strings.Contains(evs[1].Events[0].Cause, "expired: exc-1") {
		t.Fatalf("events %+v", evs)
	}
}

// Deleting an exception brings its findings back at once; a
// namespace-scoped one applies only in admission, in its namespace.
func TestDeleteAndNamespace(t *testing.T) {
	f := triagetest.New(t)
	ctx := context.Background()
	total, _, _ := f.Counted(t)
	x := exception.Exception{ID: "exc-1", Vulnerability: strings.ToLower(triagetest.CVE), Reason: "r", Author: "alice", Created: triagetest.T0}
	ns := exception.Exception{ID: "exc-ns", Vulnerability: "CVE-2024-58251", Namespaces: []string{"prod-*"}, Reason: "r", Author: "alice", Created: triagetest.T0}
	for _, e := range []exception.Exception{x, ns} {
		if _, err := f.Store.PutException(ctx, e, "alice", triagetest.T0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Engine.Changed(ctx, e.ID, nil, &e); err != nil {
			t.Fatal(err)
		}
	}
	vulns, _, rep := f.Counted(t)
	if vulns != total-triagetest.CountID(f.Report.Vulnerabilities, triagetest.CVE) {
		t.Fatalf("a lower-case id did not except %s: %d findings", triagetest.CVE, vulns)
	}
	if triagetest.CountID(rep.Vulnerabilities, "CVE-2024-58251") == 0 {
		t.Fatal("a namespace-scoped exception applied to a stored result")
	}
	for _, c := range []struct {
		ns   string
		want int
	}{{"prod-eu", 0}, {"dev", triagetest.CountID(f.Report.Vulnerabilities, "CVE-2024-58251")}} {
		adm := triagetest.Clone(t, rep)
		if err := f.Engine.ForAdmission(ctx, f.Key, []string{"3.20.3"}, c.ns, adm); err != nil {
			t.Fatal(err)
		}
		if got := triagetest.CountID(adm.Vulnerabilities, "CVE-2024-58251"); got != c.want || triagetest.CountID(adm.Vulnerabilities, triagetest.CVE) != 0 {
			t.Fatalf("admission in %s sees %d findings of the namespaced CVE, want %d", c.ns, got, c.want)
		}
	}
	if _, err := f.Store.DeleteException(ctx, "exc-1", "bob", triagetest.T0); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Engine.Changed(ctx, "exc-1", &x, nil); err != nil || n != 1 {
		t.Fatalf("delete re-evaluated %d, %v", n, err)
	}
	if vulns, hits, _ := f.Counted(t); vulns != total || hits != 1 {
		t.Fatalf("after delete: %d findings, CVE search %d", vulns, hits)
	}
}

// An exception made while a result is being stored with the old set:
// Stored notices and re-evaluates.
func TestStoredCatchesARace(t *testing.T) {
	f := triagetest.New(t)
	ctx := context.Background()
	total, _, _ := f.Counted(t)
	rep := triagetest.Clone(t, f.Report)
	fp, err := f.Engine.Apply(ctx, f.Key, nil, rep) // no exception yet
	if err != nil {
		t.Fatal(err)
	}
	x := exception.Exception{ID: "exc-1", Vulnerability: triagetest.CVE, Reason: "r", Author: "alice", Created: triagetest.T0}
	if _, err := f.Store.PutException(ctx, x, "alice", triagetest.T0); err != nil { // and its own re-evaluation ran before the result below
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	im := store.ImageSummary{Registry: f.Key.Registry, Repository: f.Key.Repository, Digest: f.Key.Digest, DBDigest: "db1", ScannedAt: triagetest.T0.Add(time.Minute), ScannedBy: "s1"}
	if _, err := f.Store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
		t.Fatal(err)
	}
	if err := f.Engine.Stored(ctx, f.Key, fp); err != nil {
		t.Fatal(err)
	}
	if vulns, hits, _ := f.Counted(t); vulns != total-triagetest.CountID(f.Report.Vulnerabilities, triagetest.CVE) || hits != 0 {
		t.Fatalf("the racing result counts %d findings, CVE search %d", vulns, hits)
	}
}

// The result path's hooks: a new result is stored evaluated, its
// findings gained since the previous result are one event; a nil engine
// changes nothing.
func TestResultHooks(t *testing.T) {
	f := triagetest.New(t) // stores the first result (no event: a first result)
	ctx := context.Background()
	if evs := f.Events(t); len(evs) != 0 {
		t.Fatalf("a first result sent %d events", len(evs))
	}
	x := exception.Exception{ID: "exc-1", Vulnerability: triagetest.CVE, Reason: "r", Author: "alice", Created: triagetest.T0}
	if _, err := f.Store.PutException(ctx, x, "alice", triagetest.T0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.Changed(ctx, x.ID, nil, &x); err != nil {
		t.Fatal(err)
	}
	// The next scan finds one more finding (a new CVE on busybox).
	rep := triagetest.Clone(t, f.Report)
	rep.ScannedAt = triagetest.T0.Add(time.Hour)
	extra := rep.Vulnerabilities[0]
	extra.ID, extra.Severity = "CVE-2026-99999", "CRITICAL"
	rep.Vulnerabilities = append(rep.Vulnerabilities, extra)
	p, err := f.Engine.PrepareResult(ctx, f.Key, []string{"3.20.3"}, rep)
	if err != nil || p == nil {
		t.Fatalf("PrepareResult: %v", err)
	}
	var stored report.Report
	if err := json.Unmarshal(p.Raw, &stored); err != nil || triagetest.CountID(stored.Vulnerabilities, triagetest.CVE) != 0 {
		t.Fatalf("the report to store still counts %s: %v", triagetest.CVE, err)
	}
	im := store.ImageSummary{Registry: f.Key.Registry, Repository: f.Key.Repository, Digest: f.Key.Digest, DBDigest: "db1", ScannedAt: triagetest.T0.Add(time.Hour), ScannedBy: "s"}
	if _, err := f.Store.PutResult(ctx, store.Result{Image: im, Report: &stored, Raw: p.Raw}); err != nil {
		t.Fatal(err)
	}
	f.Engine.ResultStored(ctx, p)
	// Two deliveries: the exception's removal and the scan's addition
	// (same clock time: found by type, not order).
	evs := f.Events(t)
	var added *notify.Envelope
	for i := range evs {
		if evs[i].Type == notify.ImageFindingsAdded {
			added = &evs[i]
		}
	}
	if len(evs) != 2 || added == nil || len(added.Events[0].Findings) != 1 || added.Events[0].Findings[0].ID != "CVE-2026-99999" ||
		added.Events[0].Cause != "scan" {
		t.Fatalf("events %+v", evs)
	}

	var nilEngine *triage.Engine
	if p, err := nilEngine.PrepareResult(ctx, f.Key, nil, rep); p != nil || err != nil {
		t.Fatalf("nil engine: %v %v", p, err)
	}
	nilEngine.ResultStored(ctx, nil)
	nilEngine.ScanFailed(ctx, "t", notify.Image{}, "x")
}

// A result evaluated against the engine's snapshot of the exceptions is
// still stored with an exception made meanwhile on another replica (one
// whose Changed this engine never ran): the check after storing reads
// the list afresh and re-evaluates it before the post is answered. An
// exception changed through this engine drops the snapshot, so the next
// result is evaluated with it from the start.
func TestResultSnapshot(t *testing.T) {
	const extraCVE = "CVE-2024-58251"
	for _, c := range []struct {
		name string
		// local: the exception is made through this engine (Changed).
		local bool
	}{
		{name: "made on another replica", local: false},
		{name: "made through this engine", local: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := triagetest.New(t) // its Stored read the (empty) list just now
			ctx := context.Background()
			total, _, _ := f.Counted(t)
			x := exception.Exception{ID: "exc-1", Vulnerability: triagetest.CVE, Reason: "r", Author: "alice", Created: triagetest.T0}
			if _, err := f.Store.PutException(ctx, x, "alice", triagetest.T0); err != nil {
				t.Fatal(err)
			}
			if c.local {
				if _, err := f.Engine.Changed(ctx, x.ID, nil, &x); err != nil {
					t.Fatal(err)
				}
			}
			rep := triagetest.Clone(t, f.Report)
			rep.ScannedAt = triagetest.T0.Add(time.Hour)
			posted, _ := json.Marshal(rep)
			p, err := f.Engine.PreparePosted(ctx, f.Key, []string{"3.20.3"}, rep, posted)
			if err != nil {
				t.Fatal(err)
			}
			if c.local && triagetest.CountID(rep.Vulnerabilities, triagetest.CVE) != 0 {
				t.Fatal("an exception changed through this engine did not apply to the next result before storing")
			}
			im := store.ImageSummary{Registry: f.Key.Registry, Repository: f.Key.Repository, Digest: f.Key.Digest, DBDigest: "db1",
				ScannedAt: rep.ScannedAt, ScannedBy: "s"}
			if _, err := f.Store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: p.Raw}); err != nil {
				t.Fatal(err)
			}
			f.Engine.ResultStored(ctx, p)
			vulns, hits, stored := f.Counted(t)
			if want := total - triagetest.CountID(f.Report.Vulnerabilities, triagetest.CVE); vulns != want || hits != 0 {
				t.Fatalf("after the post: %d findings counted (want %d), CVE search finds %d images", vulns, want, hits)
			}
			if triagetest.CountID(stored.Vulnerabilities, extraCVE) == 0 {
				t.Fatalf("%s, not excepted, is missing from the stored report", extraCVE)
			}
		})
	}
}
