package controller

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// testOSVID is a hand-written advisory added by the second database.
const testOSVID = "SCANFLEET-TEST-2026-0001"

const testOSV = `{
  "id": "` + testOSVID + `",
  "modified": "2026-11-01T00:00:00Z",
  "summary": "test advisory affecting every busybox of Alpine v3.20",
  "affected": [{
    "package": {"ecosystem": "Alpine:v3.20", "name": "busybox"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0-r0"}]}]
  }]
}`

// secdbFixedIDs returns the CVEs an Alpine secdb package file lists as
// fixed in some version (the "0" key lists CVEs that never affected the
// branch): what a version older than every fix is vulnerable to.
func secdbFixedIDs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Secfixes map[string][]string `json:"secfixes"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for ver, ids := range doc.Secfixes {
		if ver == "0" {
			continue
		}
		for _, id := range ids {
			out = append(out, strings.Fields(id)[0])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestRematchOnDBChange(t *testing.T) {
	ctx := context.Background()
	alpine := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	dbPath := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := vulndbbuild.Build(ctx, dbPath, []string{alpine}, vulndbbuild.BuildOptions{BuiltAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	// The second database: the same advisories without zlib's (as if
	// withdrawn) plus one new OSV record for busybox.
	src2 := t.TempDir()
	ents, err := os.ReadDir(alpine)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") || e.Name() == "zlib.json" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(alpine, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src2, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src2, "zz-test-osv.json"), []byte(testOSV), 0o644); err != nil {
		t.Fatal(err)
	}

	// An in-process registry that counts every request: re-matching must
	// not pull anything.
	var requests atomic.Int64
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.NotFound(w, r)
	}))
	defer reg.Close()

	f := newFixture(t, Config{DBPath: dbPath})
	for _, r := range []api.Registry{
		{Name: "plain", URL: reg.URL},
		{Name: "rescan", URL: reg.URL, RescanAfterDBUpdate: true},
	} {
		if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: r}); err != nil {
			t.Fatal(err)
		}
	}
	code, body := f.do(t, http.MethodGet, "/api/v1/registries/rescan", f.reader, nil)
	if code != http.StatusOK || !strings.Contains(string(body), `"rescan_after_db_update":true`) {
		t.Fatalf("registry view: %d %s", code, body)
	}

	// Store a scan made with the first database, as a scanner would.
	osInfo := &report.OS{ID: "alpine", VersionID: "3.20.3"}
	pkgs := []report.Package{
		{Name: "zlib", Version: "1.0-r0", Type: report.TypeAPK},
		{Name: "busybox", Version: "1.36.1-r29", Type: report.TypeAPK},
		{Name: "musl", Version: "1.2.5-r0", Type: report.TypeAPK},
	}
	db1, release := f.c.watcher.Acquire()
	db1Digest := db1.Info().Digest
	vulns, cov, err := match.Match(ctx, db1, osInfo, pkgs)
	release()
	if err != nil {
		t.Fatal(err)
	}
	wantFixed := secdbFixedIDs(t, filepath.Join(alpine, "zlib.json"))
	before := vulnIDs(vulns)
	for _, id := range wantFixed {
		if _, ok := slices.BinarySearch(before, id); !ok {
			t.Fatalf("first scan lacks zlib's %s: %v", id, before)
		}
	}
	const digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	for _, r := range []string{"plain", "rescan"} {
		rep := &report.Report{SchemaVersion: report.SchemaVersion, OS: osInfo, Packages: pkgs, Vulnerabilities: vulns, Coverage: cov,
			DB: &report.DBInfo{Digest: db1Digest}, Image: &report.Image{Reference: "x/app@" + digest, Digest: digest}}
		raw, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		im := store.ImageSummary{Registry: r, Repository: "team/app", Tag: "1", Digest: digest, Reference: "x/team/app@" + digest, DBDigest: db1Digest, ScannedAt: time.Now(), ScannedBy: "s"}
		if _, err := f.c.store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
			t.Fatal(err)
		}
	}
	if code, body := f.do(t, http.MethodGet, "/api/v1/images/"+digest+"/changes", f.reader, nil); code != http.StatusNotFound {
		t.Errorf("changes before any DB change: %d %s", code, body)
	}
	if st, err := f.c.CheckDB(ctx); err != nil || st.Images != 0 {
		t.Fatalf("check with the unchanged DB: %+v %v", st, err)
	}

	info2, err := vulndbbuild.Build(ctx, dbPath, []string{src2}, vulndbbuild.BuildOptions{BuiltAt: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.c.CheckDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.DBDigest != info2.Digest || st.Images != 2 || st.Changed != 2 || st.Errors != 0 || st.Enqueued != 1 {
		t.Errorf("rematch stats %+v, want 2 images changed under %s, 1 rescan enqueued", st, info2.Digest)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("re-matching made %d registry requests", n)
	}

	code, body = f.do(t, http.MethodGet, "/api/v1/images/"+digest+"/changes", f.reader, nil)
	if code != http.StatusOK {
		t.Fatalf("changes: %d %s", code, body)
	}
	var ch store.ImageChanges
	if err := json.Unmarshal(body, &ch); err != nil {
		t.Fatal(err)
	}
	if ch.DBBefore != db1Digest || ch.DBAfter != info2.Digest {
		t.Errorf("changes db %s -> %s, want %s -> %s", ch.DBBefore, ch.DBAfter, db1Digest, info2.Digest)
	}
	if !slices.Equal(ch.New, []string{testOSVID}) {
		t.Errorf("new = %v, want [%s]", ch.New, testOSVID)
	}
	if !slices.Equal(ch.Fixed, wantFixed) {
		t.Errorf("fixed = %v, want zlib's %v", ch.Fixed, wantFixed)
	}

	// The stored findings are the new ones: searchable by the new ID, the
	// zlib ones gone, and the report names the new database.
	for _, tc := range []struct {
		cve  string
		want int
	}{{testOSVID, 2}, {wantFixed[0], 0}} {
		code, body := f.do(t, http.MethodGet, "/api/v1/images?cve="+tc.cve, f.reader, nil)
		var ims []store.ImageSummary
		if code != http.StatusOK || json.Unmarshal(body, &ims) != nil || len(ims) != tc.want {
			t.Errorf("images with %s: %d %s, want %d", tc.cve, code, body, tc.want)
		}
		for _, im := range ims {
			if im.DBDigest != info2.Digest || im.Scans != 1 {
				t.Errorf("image %+v: want db %s and still 1 scan", im, info2.Digest)
			}
		}
	}
	code, body = f.do(t, http.MethodGet, "/api/v1/images/"+digest, f.reader, nil)
	var rep report.Report
	if code != http.StatusOK || json.Unmarshal(body, &rep) != nil {
		t.Fatalf("image: %d %s", code, body)
	}
	if rep.DB == nil || rep.DB.Digest != info2.Digest || len(rep.Packages) != len(pkgs) {
		t.Errorf("stored report db %+v, %d packages", rep.DB, len(rep.Packages))
	}

	// Only the registry that asked for it gets a full rescan, keyed by
	// the new database.
	tasks, err := f.c.queue.Lease(ctx, "w", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].Key != "rescan/team/app@"+digest+"|"+info2.Digest || tasks[0].Priority != queue.PriorityPeriodic {
		t.Errorf("rescan tasks: %+v", tasks)
	}

	// Nothing more to do until the file changes again.
	if st, err := f.c.CheckDB(ctx); err != nil || !st.Unchanged {
		t.Errorf("second check: %+v %v", st, err)
	}
}

// vulnIDs is the sorted, distinct IDs of vs.
func vulnIDs(vs []report.Vulnerability) []string {
	ids := make([]string, 0, len(vs))
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
