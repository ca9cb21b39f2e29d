package triage

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/store"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type fixture struct {
	st  store.Store
	clk *clock
	eng *Engine
	k   store.ImageKey
	rep *report.Report // the scan as posted
}

const cve = "CVE-2024-9143" // on libcrypto3 and libssl3 in the Alpine image

// newFixture stores the real Alpine scan as local/team/alpine:3.20.3,
// evaluated against no exception, with one subscription to see events.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: t0}
	f := &fixture{st: st, clk: clk, rep: reporttest.Alpine(t)}
	f.eng = &Engine{Store: st, Now: clk.Now, Publisher: &notify.Publisher{Store: st, Now: clk.Now}}
	if err := st.PutRegistry(ctx, store.Registry{Name: "local", URL: "http://127.0.0.1:5000"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutSubscription(ctx, store.Subscription{ID: "all", URL: "http://127.0.0.1:1/hook", Format: notify.FormatJSON, Enabled: true,
		Author: "test", Created: t0}, "test", t0); err != nil {
		t.Fatal(err)
	}
	f.k = store.ImageKey{Registry: "local", Repository: "team/alpine", Digest: f.rep.Image.Digest}
	f.store(t, t0)
	return f
}

// store stores the scan as a new result at 'at', as the controller does:
// Apply, PutResult, Stored.
func (f *fixture) store(t *testing.T, at time.Time) {
	t.Helper()
	ctx := context.Background()
	rep := clone(t, f.rep)
	fp, err := f.eng.Apply(ctx, f.k, []string{"3.20.3"}, rep)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	im := store.ImageSummary{Registry: f.k.Registry, Repository: f.k.Repository, Digest: f.k.Digest, Tag: "3.20.3",
		Reference: "127.0.0.1:5000/team/alpine:3.20.3", DBDigest: "db1", ScannedAt: at, ScannedBy: "s1"}
	if _, err := f.st.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.Stored(ctx, f.k, fp); err != nil {
		t.Fatal(err)
	}
}

func clone(t *testing.T, r *report.Report) *report.Report {
	t.Helper()
	b, _ := json.Marshal(r)
	var out report.Report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// counted is what every reader sees: the image's count, whether CVE
// search finds it, and the stored report's findings of cve.
func (f *fixture) counted(t *testing.T) (vulns int, searchHits int, stored *report.Report) {
	t.Helper()
	ctx := context.Background()
	ims, err := f.st.ListImages(ctx, store.ImageFilter{})
	if err != nil || len(ims) != 1 {
		t.Fatalf("images %v, %v", ims, err)
	}
	keys, err := f.st.ImagesWithVuln(ctx, cve)
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := f.st.Report(ctx, f.k)
	if err != nil {
		t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	return ims[0].Vulnerabilities, len(keys), &rep
}

func (f *fixture) events(t *testing.T) []notify.Envelope {
	t.Helper()
	ds, err := f.st.ListDeliveries(context.Background(), store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Envelope
	for i := len(ds) - 1; i >= 0; i-- { // oldest first
		var env notify.Envelope
		if err := json.Unmarshal(ds[i].Body, &env); err != nil {
			t.Fatal(err)
		}
		out = append(out, env)
	}
	return out
}

func countID(vs []report.Vulnerability, id string) int {
	n := 0
	for _, v := range vs {
		if v.ID == id {
			n++
		}
	}
	return n
}

// The story: except CVE-X for team/* for 30 days with a reason;
// the counts drop everywhere; after expiry the findings come back by
// themselves, and it is said; each change is an event.
func TestExceptionLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	total, hits, _ := f.counted(t)
	onCVE := countID(f.rep.Vulnerabilities, cve)
	if hits != 1 || onCVE < 2 {
		t.Fatalf("before: CVE search finds %d images, %d findings of %s", hits, onCVE, cve)
	}

	exp := t0.Add(30 * 24 * time.Hour)
	x := exception.Exception{ID: "exc-1", Vulnerability: cve, Repositories: []string{"team/*"}, Reason: "openssl CMS not used",
		Author: "alice", Created: t0, Expires: &exp}
	if _, err := f.st.PutException(ctx, x, "alice", t0); err != nil {
		t.Fatal(err)
	}
	n, err := f.eng.Changed(ctx, x.ID, nil, &x)
	if err != nil || n != 1 {
		t.Fatalf("Changed re-evaluated %d results, %v", n, err)
	}
	vulns, hits, rep := f.counted(t)
	if vulns != total-onCVE || hits != 0 || countID(rep.Vulnerabilities, cve) != 0 {
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
	f.store(t, t0.Add(time.Hour))
	if vulns, hits, _ := f.counted(t); vulns != total-onCVE || hits != 0 {
		t.Fatalf("a new scan counts %d findings, CVE search %d", vulns, hits)
	}

	// A day before expiry nothing changes; after it the findings are back.
	f.clk.Set(exp.Add(-24 * time.Hour))
	if n, err := f.eng.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("reconcile before expiry changed %d, %v", n, err)
	}
	f.clk.Set(exp.Add(time.Minute))
	if n, err := f.eng.Reconcile(ctx); err != nil || n != 1 {
		t.Fatalf("reconcile after expiry changed %d, %v", n, err)
	}
	vulns, hits, rep = f.counted(t)
	if vulns != total || hits != 1 || !strings.Contains(strings.Join(rep.Warnings, "\n"), "exception exc-1") {
		t.Fatalf("after expiry: %d findings (want %d), CVE search %d, warnings %q", vulns, total, hits, rep.Warnings)
	}
	if n, _ := f.eng.Reconcile(ctx); n != 0 {
		t.Fatalf("a second reconcile changed %d", n)
	}

	// Events: the removal, then the return with its cause.
	evs := f.events(t)
	if len(evs) != 2 || evs[0].Type != notify.ImageFindingsRemoved || len(evs[0].Events[0].Findings) != onCVE ||
		evs[1].Type != notify.ImageFindingsAdded || !strings.Contains(evs[1].Events[0].Cause, "expired: exc-1") {
		t.Fatalf("events %+v", evs)
	}
}

// Deleting an exception brings its findings back at once; a
// namespace-scoped one applies only in admission, in its namespace.
func TestDeleteAndNamespace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	total, _, _ := f.counted(t)
	x := exception.Exception{ID: "exc-1", Vulnerability: strings.ToLower(cve), Reason: "r", Author: "alice", Created: t0}
	ns := exception.Exception{ID: "exc-ns", Vulnerability: "CVE-2024-58251", Namespaces: []string{"prod-*"}, Reason: "r", Author: "alice", Created: t0}
	for _, e := range []exception.Exception{x, ns} {
		if _, err := f.st.PutException(ctx, e, "alice", t0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.Changed(ctx, e.ID, nil, &e); err != nil {
			t.Fatal(err)
		}
	}
	vulns, _, rep := f.counted(t)
	if vulns != total-countID(f.rep.Vulnerabilities, cve) {
		t.Fatalf("a lower-case id did not except %s: %d findings", cve, vulns)
	}
	if countID(rep.Vulnerabilities, "CVE-2024-58251") == 0 {
		t.Fatal("a namespace-scoped exception applied to a stored result")
	}
	for _, c := range []struct {
		ns   string
		want int
	}{{"prod-eu", 0}, {"dev", countID(f.rep.Vulnerabilities, "CVE-2024-58251")}} {
		adm := clone(t, rep)
		if err := f.eng.ForAdmission(ctx, f.k, []string{"3.20.3"}, c.ns, adm); err != nil {
			t.Fatal(err)
		}
		if got := countID(adm.Vulnerabilities, "CVE-2024-58251"); got != c.want || countID(adm.Vulnerabilities, cve) != 0 {
			t.Fatalf("admission in %s sees %d findings of the namespaced CVE, want %d", c.ns, got, c.want)
		}
	}
	if _, err := f.st.DeleteException(ctx, "exc-1", "bob", t0); err != nil {
		t.Fatal(err)
	}
	if n, err := f.eng.Changed(ctx, "exc-1", &x, nil); err != nil || n != 1 {
		t.Fatalf("delete re-evaluated %d, %v", n, err)
	}
	if vulns, hits, _ := f.counted(t); vulns != total || hits != 1 {
		t.Fatalf("after delete: %d findings, CVE search %d", vulns, hits)
	}
}

// An exception made while a result is being stored with the old set:
// Stored notices and re-evaluates.
func TestStoredCatchesARace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	total, _, _ := f.counted(t)
	rep := clone(t, f.rep)
	fp, err := f.eng.Apply(ctx, f.k, nil, rep) // no exception yet
	if err != nil {
		t.Fatal(err)
	}
	x := exception.Exception{ID: "exc-1", Vulnerability: cve, Reason: "r", Author: "alice", Created: t0}
	if _, err := f.st.PutException(ctx, x, "alice", t0); err != nil { // and its own re-evaluation ran before the result below
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	im := store.ImageSummary{Registry: f.k.Registry, Repository: f.k.Repository, Digest: f.k.Digest, DBDigest: "db1", ScannedAt: t0.Add(time.Minute), ScannedBy: "s1"}
	if _, err := f.st.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.Stored(ctx, f.k, fp); err != nil {
		t.Fatal(err)
	}
	if vulns, hits, _ := f.counted(t); vulns != total-countID(f.rep.Vulnerabilities, cve) || hits != 0 {
		t.Fatalf("the racing result counts %d findings, CVE search %d", vulns, hits)
	}
}

// The result path's hooks: a new result is stored evaluated, its
// findings gained since the previous result are one event; a nil engine
// changes nothing.
func TestResultHooks(t *testing.T) {
	f := newFixture(t) // stores the first result (no event: a first result)
	ctx := context.Background()
	if evs := f.events(t); len(evs) != 0 {
		t.Fatalf("a first result sent %d events", len(evs))
	}
	x := exception.Exception{ID: "exc-1", Vulnerability: cve, Reason: "r", Author: "alice", Created: t0}
	if _, err := f.st.PutException(ctx, x, "alice", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Changed(ctx, x.ID, nil, &x); err != nil {
		t.Fatal(err)
	}
	// The next scan finds one more finding (a new CVE on busybox).
	rep := clone(t, f.rep)
	rep.ScannedAt = t0.Add(time.Hour)
	extra := rep.Vulnerabilities[0]
	extra.ID, extra.Severity = "CVE-2026-99999", "CRITICAL"
	rep.Vulnerabilities = append(rep.Vulnerabilities, extra)
	p, err := f.eng.PrepareResult(ctx, f.k, []string{"3.20.3"}, rep)
	if err != nil || p == nil {
		t.Fatalf("PrepareResult: %v", err)
	}
	var stored report.Report
	if err := json.Unmarshal(p.Raw, &stored); err != nil || countID(stored.Vulnerabilities, cve) != 0 {
		t.Fatalf("the report to store still counts %s: %v", cve, err)
	}
	im := store.ImageSummary{Registry: f.k.Registry, Repository: f.k.Repository, Digest: f.k.Digest, DBDigest: "db1", ScannedAt: t0.Add(time.Hour), ScannedBy: "s"}
	if _, err := f.st.PutResult(ctx, store.Result{Image: im, Report: &stored, Raw: p.Raw}); err != nil {
		t.Fatal(err)
	}
	f.eng.ResultStored(ctx, p)
	// Two deliveries: the exception's removal and the scan's addition
	// (same clock time: found by type, not order).
	evs := f.events(t)
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

	var nilEngine *Engine
	if p, err := nilEngine.PrepareResult(ctx, f.k, nil, rep); p != nil || err != nil {
		t.Fatalf("nil engine: %v %v", p, err)
	}
	nilEngine.ResultStored(ctx, nil)
	nilEngine.ScanFailed(ctx, "t", notify.Image{}, "x")
}
