package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// TestRerankOnEnrichmentOnlyChange: a database update that changes only
// enrichment (here a KEV catalog now naming one of the image's CVEs)
// re-rates the stored findings without matching packages again: same
// findings, the KEV one first, per-layer lists kept, and the image's
// changes say which IDs entered KEV.
func TestRerankOnEnrichmentOnlyChange(t *testing.T) {
	ctx := context.Background()
	alpine := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	cve5 := testutil.Data(t, "enrichment", "cve5")
	dbPath := filepath.Join(t.TempDir(), "vuln.db")
	info1, err := vulndbbuild.Build(ctx, dbPath, []string{alpine, cve5}, vulndbbuild.BuildOptions{BuiltAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Config{DBPath: dbPath})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "plain", URL: "http://127.0.0.1:9"}}); err != nil {
		t.Fatal(err)
	}
	osInfo := &report.OS{ID: "alpine", VersionID: "3.20.3"}
	pkgs := []report.Package{{Name: "busybox", Version: "1.36.1-r29", Type: report.TypeAPK}, {Name: "musl", Version: "1.2.5-r0", Type: report.TypeAPK}}
	db1, release := f.c.watcher.Acquire()
	vulns, cov, err := match.Match(ctx, db1, osInfo, pkgs)
	release()
	if err != nil || len(vulns) < 2 {
		t.Fatalf("first match: %d findings, %v", len(vulns), err)
	}
	// The CVE that will enter KEV: the one ranked last, so that the
	// re-rank visibly moves it to the top.
	target := vulns[len(vulns)-1].ID
	const digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	rep := &report.Report{SchemaVersion: report.SchemaVersion, OS: osInfo, Packages: pkgs, Vulnerabilities: vulns, Coverage: cov,
		DB:    &report.DBInfo{Digest: info1.Digest, AdvisoriesDigest: info1.AdvisoriesDigest},
		Image: &report.Image{Reference: "x/app@" + digest, Digest: digest, Layers: []report.Layer{{Digest: "sha256:l1", Vulnerabilities: slices.Clone(vulns)}}}}
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	im := store.ImageSummary{Registry: "plain", Repository: "team/app", Tag: "1", Digest: digest, Reference: "x/team/app@" + digest, DBDigest: info1.Digest, ScannedAt: time.Now(), ScannedBy: "s"}
	if _, err := f.c.store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
		t.Fatal(err)
	}

	// The second database: the same feeds plus a KEV catalog (in CISA's
	// format) naming the target.
	kevDir := t.TempDir()
	kev := fmt.Sprintf(`{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.11.02","dateReleased":"2026-11-02T00:00:00.000Z","count":1,
"vulnerabilities":[{"cveID":%q,"vendorProject":"x","product":"y","vulnerabilityName":"z","dateAdded":"2026-11-02","shortDescription":"","requiredAction":"","dueDate":"2026-11-23","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":[]}]}`, target)
	if err := os.WriteFile(filepath.Join(kevDir, "known_exploited_vulnerabilities.json"), []byte(kev), 0o644); err != nil {
		t.Fatal(err)
	}
	info2, err := vulndbbuild.Build(ctx, dbPath, []string{alpine, cve5, kevDir}, vulndbbuild.BuildOptions{BuiltAt: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if info2.AdvisoriesDigest != info1.AdvisoriesDigest || info2.Digest == info1.Digest {
		t.Fatalf("digests: %+v vs %+v", info1, info2)
	}
	st, err := f.c.CheckDB(ctx)
	if err != nil || st.Images != 1 || st.Changed != 1 || st.Errors != 0 {
		t.Fatalf("rematch stats %+v, %v", st, err)
	}

	code, body := f.do(t, http.MethodGet, "/api/v1/images/"+digest+"/changes", f.reader, nil)
	var ch store.ImageChanges
	if code != http.StatusOK || json.Unmarshal(body, &ch) != nil {
		t.Fatalf("changes: %d %s", code, body)
	}
	if !ch.Reranked || !slices.Equal(ch.EnteredKEV, []string{target}) || len(ch.New) != 0 || len(ch.Fixed) != 0 {
		t.Errorf("changes %+v, want re-ranked, %s entered KEV, nothing new or fixed", ch, target)
	}
	stored, _, err := f.c.store.ImageReport(ctx, digest)
	if err != nil {
		t.Fatal(err)
	}
	var got report.Report
	if err := json.Unmarshal(stored, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Vulnerabilities) != len(vulns) || got.Vulnerabilities[0].ID != target || got.Vulnerabilities[0].KEV == nil || got.Vulnerabilities[0].KEV.DateAdded != "2026-11-02" {
		t.Errorf("stored findings after re-rank: first %+v of %d", got.Vulnerabilities[0], len(got.Vulnerabilities))
	}
	if l := got.Image.Layers[0].Vulnerabilities; len(l) != len(vulns) || l[0].ID != target {
		t.Errorf("per-layer findings not kept and re-ranked: %d, first %v", len(l), l)
	}
	if got.DB == nil || got.DB.Digest != info2.Digest {
		t.Errorf("report DB %+v, want %s", got.DB, info2.Digest)
	}
}
