package build

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// enrichmentMirror serves the shared enrichment data in the layouts of
// the real services: the CVE List as GitHub's archive of cvelistV5
// (cvelistV5-main/cves/YYYY/NNxxx/CVE-….json), the NVD CVE API 2.0 (paged
// by startIndex, wanting an apiKey header, answering 429 to the first
// request), the KEV JSON at CISA's path, EPSS as a gzipped CSV.
func enrichmentMirror(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	dir := testutil.Data(t, "enrichment")
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	files, _ := filepath.Glob(filepath.Join(dir, "cve5", "*.json"))
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".json")
		parts := strings.Split(id, "-")
		num := parts[2]
		w, err := zw.Create("cvelistV5-main/cves/" + parts[1] + "/" + num[:len(num)-3] + "xxx/" + id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(f)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var page struct {
		Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "nvd2", "vunnel-fixtures", "full-page.json"))
	if err != nil || json.Unmarshal(b, &page) != nil {
		t.Fatalf("reading the NVD page: %v", err)
	}
	kev, _ := os.ReadFile(filepath.Join(dir, "kev", "known_exploited_vulnerabilities.json"))
	csv, _ := os.ReadFile(filepath.Join(dir, "epss", "claircore-testdata-data.csv"))
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(csv)
	gw.Close()

	var nvdCalls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/CVEProject/cvelistV5/archive/refs/heads/main.zip", func(w http.ResponseWriter, r *http.Request) { w.Write(zbuf.Bytes()) })
	mux.HandleFunc("/rest/json/cves/2.0", func(w http.ResponseWriter, r *http.Request) {
		if nvdCalls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		if r.Header.Get("apiKey") != "test-key" {
			http.Error(w, "no key", http.StatusNotFound)
			return
		}
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		const per = 20 // smaller than asked, as NVD may answer
		end := min(start+per, len(page.Vulnerabilities))
		json.NewEncoder(w).Encode(map[string]any{
			"resultsPerPage": end - start, "startIndex": start, "totalResults": len(page.Vulnerabilities),
			"format": "NVD_CVE", "version": "2.0", "vulnerabilities": page.Vulnerabilities[start:end],
		})
	})
	mux.HandleFunc("/sites/default/files/feeds/known_exploited_vulnerabilities.json", func(w http.ResponseWriter, r *http.Request) { w.Write(kev) })
	mux.HandleFunc("/epss_scores-current.csv.gz", func(w http.ResponseWriter, r *http.Request) { w.Write(gz.Bytes()) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &nvdCalls
}

// TestUpdateEnrichment runs `db update` against the mirror: every
// enrichment source is downloaded and stored, NVD pages are followed past
// a rate-limit answer with the API key, and lookups by CVE give the
// records' data. The API key is not stored in the file.
func TestUpdateEnrichment(t *testing.T) {
	srv, nvdCalls := enrichmentMirror(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "db")
	cfg := UpdateConfig{
		DB:             out,
		Sources:        nil,
		OSVEcosystems:  []string{"npm"},
		OSVBaseURL:     srv.URL + "/osv-absent",
		AlpineSecDBURL: "-", DebianTrackerURL: "-", DistroFeeds: []string{"-"},
		CVEListURL:  srv.URL + "/CVEProject/cvelistV5/archive/refs/heads/main.zip",
		NVDAPIURL:   srv.URL + "/rest/json/cves/2.0",
		NVDAPIKey:   "test-key",
		NVDInterval: time.Millisecond,
		KEVURL:      srv.URL + "/sites/default/files/feeds/known_exploited_vulnerabilities.json",
		EPSSURL:     srv.URL + "/epss_scores-current.csv.gz",
	}
	// OSV is not part of this test: a missing OSV archive fails the
	// update, which is the point of the second half.
	if _, err := Update(ctx, cfg); err == nil || !strings.Contains(err.Error(), "osv-absent") {
		t.Fatalf("update with an unreachable feed: %v, want it to fail naming the feed", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a failed update left a file: %v", err)
	}

	nvdCalls.Store(0)
	cfg.Sources = []string{testutil.Data(t, "advisories", "osv-ghsa-npm-subset")}
	cfg.Sources = append(cfg.Sources, UpdateConfig{
		CVEListURL: cfg.CVEListURL, NVDAPIURL: cfg.NVDAPIURL, NVDAPIKey: "x", KEVURL: cfg.KEVURL, EPSSURL: cfg.EPSSURL,
		OSVEcosystems: []string{"-"}, AlpineSecDBURL: "-", DebianTrackerURL: "-", DistroFeeds: []string{"-"},
	}.SourceURLs()[1:]...)
	info, err := Update(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := info.Enrichment
	if e == nil || e.KEV != 1404 || e.EPSS == 0 || e.EPSSDate != "2024-10-25" || e.WithCVSS < 600 {
		t.Fatalf("enrichment %+v", e)
	}
	if n := nvdCalls.Load(); n != 3 { // 429, then two pages of 20 and 18
		t.Errorf("%d NVD requests, want 3", n)
	}
	raw, _ := os.ReadFile(out)
	if bytes.Contains(raw, []byte("test-key")) {
		t.Error("the NVD API key is stored in the database")
	}
	db, err := vulndb.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		cve   string
		check func(t *testing.T, got string)
	}{
		{"CVE-2024-9143", nil}, // OpenSSL: CNA word, CISA ADP vector
		{"CVE-2020-0601", nil}, // in KEV
		{"CVE-1999-0005", nil}, // EPSS only
	} {
		got, err := db.Enrichment(ctx, tc.cve)
		if err != nil || got == nil {
			t.Fatalf("%s: %v, %v", tc.cve, got, err)
		}
		switch tc.cve {
		case "CVE-2024-9143":
			if got.CNASeverity != "Low" || len(got.CVSS) == 0 || got.CVSS[0].Source != "cisa-adp" || got.Description == "" {
				t.Errorf("%s: %+v", tc.cve, got)
			}
		case "CVE-2020-0601":
			if got.KEV == nil || got.KEV.DateAdded != "2021-11-03" {
				t.Errorf("%s: kev %+v", tc.cve, got.KEV)
			}
		case "CVE-1999-0005":
			if got.EPSS == nil || got.EPSS.Score != 0.91963 || got.EPSS.Date != "2024-10-25" {
				t.Errorf("%s: epss %+v", tc.cve, got.EPSS)
			}
		}
	}
	if got, err := db.Enrichment(ctx, "CVE-2099-99999"); got != nil || err != nil {
		t.Errorf("absent CVE: %+v, %v", got, err)
	}
}

// TestContentDigests: a rebuild that changes only enrichment keeps the
// advisories digest and changes the enrichment digest (and the file's);
// one that changes advisories changes the advisories digest.
func TestContentDigests(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	alpine := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	kev := testutil.Data(t, "enrichment", "kev")
	epss := testutil.Data(t, "enrichment", "epss", "claircore-testdata-data.csv")
	ghsa := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	build := func(name string, srcs ...string) vulndb.Info {
		info, err := Build(ctx, filepath.Join(dir, name), srcs, BuildOptions{BuiltAt: dbtest.BuiltAt})
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	a := build("a", alpine, kev)
	b := build("b", alpine, kev, epss)
	c := build("c", alpine, ghsa, kev, epss)
	if a.AdvisoriesDigest == "" || a.AdvisoriesDigest != b.AdvisoriesDigest || a.EnrichmentDigest == b.EnrichmentDigest || a.Digest == b.Digest {
		t.Errorf("enrichment-only change: %+v vs %+v", a, b)
	}
	if b.AdvisoriesDigest == c.AdvisoriesDigest || b.EnrichmentDigest != c.EnrichmentDigest {
		t.Errorf("advisory change: adv %s/%s, enr %s/%s", b.AdvisoriesDigest, c.AdvisoriesDigest, b.EnrichmentDigest, c.EnrichmentDigest)
	}
	if a.Keys != 5 {
		t.Errorf("Keys = %d, want the 5 Alpine packages (enrichment buckets not counted)", a.Keys)
	}
}
