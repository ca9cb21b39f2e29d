// Package triagetest is the fixture that the triage engine's tests and
// the triage API's tests share: a real SQLite store holding the real
// Alpine scan (reporttest.Alpine), a triage.Engine with a settable clock,
// and the readers that say what every reader of the store sees.
package triagetest

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

// T0 is the fixture clock's start, the time of the first stored result.
var T0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// CVE is on libcrypto3 and libssl3 in the Alpine image: two findings.
const CVE = "CVE-2024-9143"

// Clock is a settable clock, safe for the engine's goroutines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the time last set.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Fixture is one store with the Alpine scan stored as
// local/team/alpine:3.20.3 and the engine over it.
type Fixture struct {
	Store  store.Store
	Clock  *Clock
	Engine *triage.Engine
	Key    store.ImageKey
	Report *report.Report // the scan as posted, before any exception
}

// New stores the real Alpine scan as local/team/alpine:3.20.3 at T0,
// evaluated against no exception, with one subscription ("all") so that
// events become deliveries the test can read.
func New(t *testing.T) *Fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &Clock{t: T0}
	f := &Fixture{Store: st, Clock: clk, Report: reporttest.Alpine(t)}
	f.Engine = &triage.Engine{Store: st, Now: clk.Now, Publisher: &notify.Publisher{Store: st, Now: clk.Now}}
	if err := st.PutRegistry(ctx, store.Registry{Name: "local", URL: "http://127.0.0.1:5000"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutSubscription(ctx, store.Subscription{ID: "all", URL: "http://127.0.0.1:1/hook", Format: notify.FormatJSON, Enabled: true,
		Author: "test", Created: T0}, "test", T0); err != nil {
		t.Fatal(err)
	}
	f.Key = store.ImageKey{Registry: "local", Repository: "team/alpine", Digest: f.Report.Image.Digest}
	f.StoreResult(t, T0)
	return f
}

// StoreResult stores the scan as a new result at 'at', as the
// controller does: Apply, PutResult, Stored.
func (f *Fixture) StoreResult(t *testing.T, at time.Time) {
	t.Helper()
	ctx := context.Background()
	rep := Clone(t, f.Report)
	fp, err := f.Engine.Apply(ctx, f.Key, []string{"3.20.3"}, rep)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	im := store.ImageSummary{Registry: f.Key.Registry, Repository: f.Key.Repository, Digest: f.Key.Digest, Tag: "3.20.3",
		Reference: "127.0.0.1:5000/team/alpine:3.20.3", DBDigest: "db1", ScannedAt: at, ScannedBy: "s1"}
	if _, err := f.Store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
		t.Fatal(err)
	}
	if err := f.Engine.Stored(ctx, f.Key, fp); err != nil {
		t.Fatal(err)
	}
}

// Counted is what every reader sees: the image's count, how many images
// CVE search finds for CVE, and the stored report.
func (f *Fixture) Counted(t *testing.T) (vulns int, searchHits int, stored *report.Report) {
	t.Helper()
	ctx := context.Background()
	ims, err := f.Store.ListImages(ctx, store.ImageFilter{})
	if err != nil || len(ims) != 1 {
		t.Fatalf("images %v, %v", ims, err)
	}
	keys, err := f.Store.ImagesWithVuln(ctx, CVE)
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := f.Store.Report(ctx, f.Key)
	if err != nil {
		t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	return ims[0].Vulnerabilities, len(keys), &rep
}

// Events returns the events delivered to the subscription, oldest first.
func (f *Fixture) Events(t *testing.T) []notify.Envelope {
	t.Helper()
	ds, err := f.Store.ListDeliveries(context.Background(), store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Envelope
	for i := len(ds) - 1; i >= 0; i-- { // the store lists newest first
		var env notify.Envelope
		if err := json.Unmarshal(ds[i].Body, &env); err != nil {
			t.Fatal(err)
		}
		out = append(out, env)
	}
	return out
}

// Clone returns a deep copy of r (through its JSON form).
func Clone(t *testing.T, r *report.Report) *report.Report {
	t.Helper()
	b, _ := json.Marshal(r)
	var out report.Report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// CountID counts the findings of vulnerability id.
func CountID(vs []report.Vulnerability, id string) int {
	n := 0
	for _, v := range vs {
		if v.ID == id {
			n++
		}
	}
	return n
}
