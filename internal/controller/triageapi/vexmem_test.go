package triageapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
	"github.com/scanfleet/scanfleet/internal/triage/triagetest"
)

// peakStore records the live heap (after a collection) each time a
// stored report is read: what the export holds while it works.
type peakStore struct {
	triage.Store
	reads int
	peak  uint64
}

func (p *peakStore) Report(ctx context.Context, k store.ImageKey) ([]byte, bool, error) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.peak = max(p.peak, m.HeapAlloc)
	p.reads++
	return p.Store.Report(ctx, k)
}

// TestVEXExportMemory: GET /api/v1/vex holds one stored report at a time,
// so the live heap while it runs does not grow with the number of
// excepted images. Each image's report carries 3,000 extra packages
// (about 0.75 MB decoded); the export of 40 such images may hold at most
// 8 MB more than the export of 10. Measured: 2.3 and 2.4 MB; holding
// every report, as the export did before, 8.3 and 31.0 MB. The document
// still has a statement per excepted finding of every image, each read
// once over the pages of images.
func TestVEXExportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 40 reports of 1 MB")
	}
	peak := map[int]uint64{}
	for _, n := range []int{10, 40} {
		f := triagetest.New(t)
		ctx := context.Background()
		admin, _, _ := serve(t, f)
		if _, err := admin.CreateException(ctx, api.ExceptionRequest{ID: "exc-mem", Vulnerability: triagetest.CVE, Repositories: []string{"team/*"}, Reason: "memory", Days: 30}); err != nil {
			t.Fatal(err)
		}
		big := triagetest.Clone(t, f.Report)
		for i := range 3000 {
			big.Packages = append(big.Packages, report.Package{Name: fmt.Sprintf("filler-%04d", i), Version: "1.0.0-r0", Type: "apk",
				Path: "lib/apk/db/installed", Layer: big.Image.Layers[0].Digest, LayerCreatedBy: "/bin/sh -c apk add --no-cache filler-packages # a long history line"})
		}
		for i := range n {
			rep := triagetest.Clone(t, big)
			rep.Image.Digest = fmt.Sprintf("sha256:%064x", i+1)
			k := store.ImageKey{Registry: "local", Repository: "team/mem", Digest: rep.Image.Digest}
			fp, err := f.Engine.Apply(ctx, k, []string{"v1"}, rep)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(rep)
			im := store.ImageSummary{Registry: k.Registry, Repository: k.Repository, Digest: k.Digest, Tag: "v1",
				Reference: "127.0.0.1:5000/team/mem@" + k.Digest, DBDigest: "db1", ScannedAt: triagetest.T0, ScannedBy: "s1"}
			if _, err := f.Store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
				t.Fatal(err)
			}
			if err := f.Engine.Stored(ctx, k, fp); err != nil {
				t.Fatal(err)
			}
		}
		ps := &peakStore{Store: f.Store}
		f.Engine.Store = ps
		a := &API{Engine: f.Engine, vexPage: 7} // several pages of images
		rec := httptest.NewRecorder()
		if err := a.exportVEX(rec, httptest.NewRequest(http.MethodGet, "/api/v1/vex", nil)); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("%d images: export %d, %v", n, rec.Code, err)
		}
		var doc struct {
			Statements []json.RawMessage `json:"statements"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("%d images: not a document: %v", n, err)
		}
		// Two findings of the CVE per image, and the fixture's own image.
		if want := 2 * (n + 1); len(doc.Statements) != want || ps.reads != n+1 {
			t.Fatalf("%d images: %d statements from %d reports read, want %d from %d", n, len(doc.Statements), ps.reads, want, n+1)
		}
		peak[n] = ps.peak
		t.Logf("%d images: live heap at most %.1f MB while exporting", n, float64(ps.peak)/(1<<20))
	}
	if grew := int64(peak[40]) - int64(peak[10]); grew > 8<<20 {
		t.Errorf("the export's live heap grew by %.1f MB from 10 to 40 images; want it flat (at most 8 MB)", float64(grew)/(1<<20))
	}
}

// failingStore fails the read of the failAt-th stored report.
type failingStore struct {
	triage.Store
	reads, failAt int
}

func (s *failingStore) Report(ctx context.Context, k store.ImageKey) ([]byte, bool, error) {
	s.reads++
	if s.reads == s.failAt {
		return nil, false, fmt.Errorf("reading the report of %s: disk on fire", k.Digest)
	}
	return s.Store.Report(ctx, k)
}

// TestVEXExportFailure: a store failure before the first statement is an
// error answer; after it, the streamed response is cut off, so the client
// gets a read error and never a document that passes for complete, and
// the controller logs the cause.
func TestVEXExportFailure(t *testing.T) {
	for _, c := range []struct {
		name   string
		failAt int
	}{
		{"first report", 1},
		{"second report", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := triagetest.New(t)
			ctx := context.Background()
			admin, _, _ := serve(t, f)
			if _, err := admin.CreateException(ctx, api.ExceptionRequest{ID: "exc-f", Vulnerability: triagetest.CVE, Repositories: []string{"team/*"}, Reason: "failure", Days: 30}); err != nil {
				t.Fatal(err)
			}
			// A second excepted image.
			f.Key.Repository = "team/other"
			f.StoreResult(t, triagetest.T0)
			f.Engine.Store = &failingStore{Store: f.Store, failAt: c.failAt}
			logs := &testutil.SyncBuffer{}
			a := &API{Engine: f.Engine, Log: slog.New(slog.NewTextHandler(logs, nil))}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := a.exportVEX(w, r); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
				}
			}))
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if c.failAt == 1 {
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), "disk on fire") {
					t.Fatalf("%d %s; want 500 naming the cause", resp.StatusCode, body)
				}
				return
			}
			// Cut off: the request fails (nothing was flushed yet) or the
			// body does, short of the document's end.
			if err == nil {
				body, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				if rerr == nil || json.Valid(body) {
					t.Fatalf("the cut-off export read as complete (%v): %d %s", rerr, resp.StatusCode, body)
				}
			}
			if !strings.Contains(logs.String(), "VEX export cut off") || !strings.Contains(logs.String(), "disk on fire") {
				t.Errorf("logs %q do not name the failure", logs.String())
			}
		})
	}
}
