package build

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/enrich"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// cveList publishes a CVE List the way GitHub serves cvelistV5: the
// archive of the repository (/archive/main.zip, members
// cvelistV5-main/cves/<year>/<n>xxx/<id>.json, the README and
// cves/deltaLog.json) and the repository's files one by one under /raw.
type cveList struct {
	srv     *feedServer
	recs    map[string][]byte // id -> CVE JSON 5 record
	fetches []cveFetch        // the delta log, newest first
	log     []byte            // when set, served instead of the real log
	noLog   bool              // serve no log at all
	gapFrom time.Time         // when set, the served log drops the fetches before it
}

type cveFetch struct {
	at           time.Time
	added, fixed []string
}

func (c *cveList) logJSON(fetches []cveFetch) []byte {
	type item struct {
		CVEID       string `json:"cveId"`
		CVEOrgLink  string `json:"cveOrgLink"`
		GithubLink  string `json:"githubLink"`
		DateUpdated string `json:"dateUpdated"`
	}
	items := func(ids []string, at time.Time) []item {
		out := []item{}
		for _, id := range ids {
			out = append(out, item{id, "https://www.cve.org/CVERecord?id=" + id,
				"https://raw.githubusercontent.com/CVEProject/cvelistV5/main/cves/" + cvePath(id), at.Format(time.RFC3339Nano)})
		}
		return out
	}
	var out []map[string]any
	for _, f := range fetches {
		out = append(out, map[string]any{"fetchTime": f.at.Format(time.RFC3339Nano), "numberOfChanges": len(f.added) + len(f.fixed),
			"new": items(f.added, f.at), "updated": items(f.fixed, f.at), "error": []item{}})
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return b
}

func (c *cveList) publish(t *testing.T, mod time.Time) {
	t.Helper()
	ids := make([]string, 0, len(c.recs))
	for id := range c.recs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	add := func(name string, b []byte) {
		fw, err := zw.Create("cvelistV5-main/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
	}
	add("README.md", []byte("# CVE List V5\n"))
	logb := c.logJSON(c.fetches)
	add("cves/deltaLog.json", logb)
	for _, id := range ids {
		add("cves/"+cvePath(id), c.recs[id])
		c.srv.set("/raw/cves/"+cvePath(id), c.recs[id], mod)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	c.srv.set("/archive/main.zip", zb.Bytes(), mod)
	served := logb
	if !c.gapFrom.IsZero() {
		var kept []cveFetch
		for _, f := range c.fetches {
			if !f.at.Before(c.gapFrom) {
				kept = append(kept, f)
			}
		}
		served = c.logJSON(kept)
	}
	switch {
	case c.noLog:
		c.srv.mu.Lock()
		delete(c.srv.files, "/raw/cves/deltaLog.json")
		c.srv.mu.Unlock()
	case c.log != nil:
		c.srv.set("/raw/cves/deltaLog.json", c.log, mod)
	default:
		c.srv.set("/raw/cves/deltaLog.json", served, mod)
	}
}

// edit rewrites record id's fields (a JSON object merged at the top,
// cveMetadata and containers.cna merged one level down); a record not
// there is copied from from.
func (c *cveList) edit(t *testing.T, id, from string, cna map[string]any, state string) {
	t.Helper()
	src := c.recs[id]
	if src == nil {
		src = c.recs[from]
	}
	var m map[string]any
	if err := json.Unmarshal(src, &m); err != nil {
		t.Fatal(err)
	}
	md := m["cveMetadata"].(map[string]any)
	md["cveId"] = id
	if state != "" {
		md["state"] = state
	}
	cont := m["containers"].(map[string]any)
	if cont["cna"] == nil {
		cont["cna"] = map[string]any{}
	}
	for k, v := range cna {
		cont["cna"].(map[string]any)[k] = v
	}
	b, err := json.MarshalIndent(m, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	c.recs[id] = b
}

// TestCVEListRecordLevelUpdate runs updates against a CVE List whose
// records change a few at a time: each update must fetch the
// repository's delta log and only the records it lists since the archive
// last read (not the archive), leave the other feed's cache entry alone,
// and write the file a full build of the new archive gives, byte for
// byte — with records added, updated, rejected and made malformed. A
// log that cannot be had, is malformed or leaves a gap, and a listed
// record that cannot be fetched, make the update read the archive whole
// and say why.
func TestCVEListRecordLevelUpdate(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	fs := newFeedServer()
	srv := httptest.NewServer(fs)
	defer srv.Close()
	dir := testutil.Data(t, "enrichment")
	files, _ := filepath.Glob(filepath.Join(dir, "cve5", "*.json"))
	if len(files) < 200 {
		t.Skipf("%d CVE records in the shared test data", len(files))
	}
	cl := &cveList{srv: fs, recs: map[string][]byte{}, fetches: []cveFetch{{at: t0, fixed: []string{}}}}
	var ids []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(filepath.Base(f), ".json")
		if e, err := enrich.ParseCVE5(b); err != nil || e.ID != id {
			continue // the records whose own reading is tested elsewhere
		}
		cl.recs[id] = b
		ids = append(ids, id)
	}
	sort.Strings(ids)
	cl.publish(t, t0)
	fs.set("/kev.json", readData(t, "enrichment", "kev", "known_exploited_vulnerabilities.json"), t0)
	archive, kev := srv.URL+"/archive/main.zip", srv.URL+"/kev.json"
	urls := []string{archive, kev}

	tmp := t.TempDir()
	var log bytes.Buffer
	cfg := UpdateConfig{DB: filepath.Join(tmp, "db", "scanfleet.db"), Sources: urls, CVEListURL: archive,
		CVEListRecordsURL: srv.URL + "/raw", BuiltAt: dbtest.BuiltAt,
		CacheDir: filepath.Join(tmp, "cache"), Logger: slog.New(slog.NewTextHandler(&log, nil))}
	ctx := context.Background()
	metaOf := cacheMetaOf(t, cfg.CacheDir, urls)
	gets := func() (archives, records int) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		for p, n := range fs.gets {
			switch {
			case p == "/archive/main.zip":
				archives += n
			case strings.HasPrefix(p, "/raw/cves/") && p != "/raw/cves/deltaLog.json":
				records += n
			}
		}
		return
	}
	// change records a fetch of the List at time at: ids changed.
	change := func(at time.Time, added []string, fixed ...string) {
		cl.fetches = append([]cveFetch{{at: at, added: added, fixed: fixed}}, cl.fetches...)
	}

	type step struct {
		name    string
		change  func(day time.Time)
		archive int    // archive downloads
		records int    // single records downloaded (-1: any)
		logs    string // the log says this
	}
	steps := []step{
		{name: "first update", change: func(time.Time) {}, archive: 1},
		{name: "nothing changed", change: func(day time.Time) { change(day, nil) }}, // a fetch listing nothing
		{name: "a day's changes", change: func(day time.Time) {
			cl.edit(t, ids[3], "", map[string]any{"title": "changed today"}, "")
			cl.edit(t, ids[10], "", map[string]any{"descriptions": []any{map[string]any{"lang": "en", "value": "a new description"}}}, "")
			cl.edit(t, ids[20], "", nil, "REJECTED")
			cl.recs[ids[30]] = []byte(`{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "` + ids[30] + `"}, "containers": `)
			cl.edit(t, "CVE-2099-10001", ids[40], map[string]any{"title": "a new record"}, "")
			cl.edit(t, "CVE-2099-0002", ids[41], map[string]any{"title": "another new record"}, "")
			change(day, []string{"CVE-2099-10001", "CVE-2099-0002"}, ids[3], ids[10], ids[20], ids[30])
			change(day.Add(time.Hour), nil, ids[3]) // listed twice: fetched once
		}, records: 6, logs: "source patched record by record"},
		{name: "a record fails to download", change: func(day time.Time) {
			cl.edit(t, ids[60], "", map[string]any{"title": "changed again"}, "")
			change(day, nil, ids[60])
			cl.publish(t, day)
			fs.fail("/raw/cves/"+cvePath(ids[60]), http.StatusInternalServerError, false)
		}, archive: 1, logs: "500 Internal Server Error"},
		{name: "record-level again", change: func(day time.Time) {
			cl.edit(t, ids[61], "", map[string]any{"title": "and again"}, "")
			change(day, nil, ids[61])
		}, records: 1},
		{name: "malformed log", change: func(day time.Time) {
			cl.edit(t, ids[70], "", map[string]any{"title": "changed with a bad log"}, "")
			change(day, nil, ids[70])
			cl.log = []byte(`[{"fetchTime": "yesterday", "numberOfChanges": 1, "new": [], "updated": []}]`)
		}, archive: 1, logs: "malformed CVE List delta log"},
		{name: "log not served", change: func(day time.Time) {
			cl.log, cl.noLog = nil, true
			cl.edit(t, ids[71], "", map[string]any{"title": "changed without a log"}, "")
			change(day, nil, ids[71])
		}, archive: 1, logs: "404 Not Found"},
		{name: "a gap in the log", change: func(day time.Time) {
			cl.noLog = false
			cl.edit(t, ids[72], "", map[string]any{"title": "changed after a gap"}, "")
			change(day.Add(-time.Hour), nil, ids[73]) // dropped from the served log
			change(day, nil, ids[72])
			cl.gapFrom = day
		}, archive: 1, logs: "the changes in between are not listed"},
		{name: "listed record not served", change: func(day time.Time) {
			cl.gapFrom = time.Time{}
			change(day, nil, "CVE-2099-0404")
			cl.edit(t, ids[80], "", map[string]any{"title": "listed with one not served"}, "")
			change(day, nil, ids[80])
		}, archive: 1, records: -1, logs: "record listed but not served"}, // the other record may come first
	}
	for n, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			day := t0.Add(time.Duration(n) * 24 * time.Hour)
			before, _ := os.ReadFile(cfg.DB)
			kevMeta := metaOf(kev)
			a0, r0 := gets()
			st.change(day)
			if st.name != "a record fails to download" {
				cl.publish(t, day)
			}
			log.Reset()
			if _, err := Update(ctx, cfg); err != nil {
				t.Fatalf("update: %v\n%s", err, log.String())
			}
			a1, r1 := gets()
			if a1-a0 != st.archive {
				t.Errorf("archive downloaded %d times, want %d\n%s", a1-a0, st.archive, log.String())
			}
			if st.records >= 0 && r1-r0 != st.records {
				t.Errorf("%d records downloaded one by one, want %d\n%s", r1-r0, st.records, log.String())
			}
			if st.logs != "" && !strings.Contains(log.String(), st.logs) {
				t.Errorf("log does not say %q:\n%s", st.logs, log.String())
			}
			if before != nil && !bytes.Equal(kevMeta, metaOf(kev)) {
				t.Error("the unchanged feed's cache entry was rewritten")
			}
			sameAsFullBuild(t, cfg.DB, urls, log.String())
		})
	}
	// What the patches left: the new record is found, the rejected one is
	// gone, the malformed one is counted under its name in the archive.
	db, err := vulndb.Open(cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if e, err := db.Enrichment(ctx, "CVE-2099-10001"); err != nil || e == nil || e.Title != "a new record" {
		t.Errorf("the added record: %+v, %v", e, err)
	}
	if e, _ := db.Enrichment(ctx, ids[20]); e != nil && e.Title != "" {
		t.Errorf("the rejected record is still there: %+v", e)
	}
	var info vulndb.SourceInfo
	for _, s := range db.Info().Sources {
		if s.Source == archive {
			info = s
		}
	}
	if info.Malformed != 1 || !strings.Contains(strings.Join(info.Errors, "\n"), "main.zip:cvelistV5-main/cves/"+cvePath(ids[30])) {
		t.Errorf("source info after the patches: %+v", info)
	}
}

// TestCVEListRecordsURL: the default CVE List archive's files are read
// from raw.githubusercontent.com, a GitHub archive's from its repository,
// a mirror's only when configured, and "-" turns record-level updates
// off.
func TestCVEListRecordsURL(t *testing.T) {
	tests := []struct {
		name string
		cfg  UpdateConfig
		want map[string]string
	}{
		{"default", UpdateConfig{}, map[string]string{DefaultCVEListURL: DefaultCVEListRecordsURL}},
		{"a fork on GitHub", UpdateConfig{CVEListURL: "https://github.com/me/cvelist/archive/refs/heads/dev.zip"},
			map[string]string{"https://github.com/me/cvelist/archive/refs/heads/dev.zip": "https://raw.githubusercontent.com/me/cvelist/dev"}},
		{"a mirror", UpdateConfig{CVEListURL: "https://mirror.example/cve/main.zip"}, nil},
		{"a mirror with its files", UpdateConfig{CVEListURL: "https://mirror.example/cve/main.zip", CVEListRecordsURL: "https://mirror.example/cve/repo"},
			map[string]string{"https://mirror.example/cve/main.zip": "https://mirror.example/cve/repo"}},
		{"disabled", UpdateConfig{CVEListRecordsURL: "-"}, nil},
		{"no CVE List", UpdateConfig{CVEListURL: "-"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cfg.cveListRecords(tt.cfg.SourceURLs())
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// sameAsFullBuild fails t unless the database at db is byte for byte what
// a full build (no cache) of sources gives; log is the update's.
func sameAsFullBuild(t *testing.T, db string, sources []string, log string) {
	t.Helper()
	full := filepath.Join(t.TempDir(), "full.db")
	if _, err := Build(context.Background(), full, sources, BuildOptions{BuiltAt: dbtest.BuiltAt}); err != nil {
		t.Fatalf("full build: %v", err)
	}
	got, _ := os.ReadFile(db)
	want, _ := os.ReadFile(full)
	if bytes.Equal(got, want) {
		return
	}
	d1, _ := vulndb.Open(db)
	d2, _ := vulndb.Open(full)
	if d1 != nil && d2 != nil {
		i1, i2 := d1.Info(), d2.Info()
		t.Logf("update: %d advisories, sources %+v", i1.Advisories, i1.Sources)
		t.Logf("full:   %d advisories, sources %+v", i2.Advisories, i2.Sources)
		d1.Close()
		d2.Close()
	}
	t.Fatalf("update gave %d bytes, not the %d bytes of a full build of the same feeds\n%s", len(got), len(want), log)
}

// cacheMetaOf returns a function giving the cache entry's meta.json of a
// source of sources, as a build with the cache at dir writes it.
func cacheMetaOf(t *testing.T, dir string, sources []string) func(src string) []byte {
	t.Helper()
	dsaKey, err := dsaFingerprint(sources)
	if err != nil {
		t.Fatal(err)
	}
	return func(src string) []byte {
		b, _ := os.ReadFile(filepath.Join(dir, "feeds", (&feedBuilder{dsaKey: dsaKey}).cacheKey(src), "meta.json"))
		return b
	}
}
