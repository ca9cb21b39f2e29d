package triageapi

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
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
	eng *triage.Engine
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
	f.eng = &triage.Engine{Store: st, Now: clk.Now, Publisher: &notify.Publisher{Store: st, Now: clk.Now}}
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

func countID(vs []report.Vulnerability, id string) int {
	n := 0
	for _, v := range vs {
		if v.ID == id {
			n++
		}
	}
	return n
}
