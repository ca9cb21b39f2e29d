package build

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// feedMirror serves real test data in the formats of the live feeds: OSV
// all.zip archives (made from the tar.gz copies), Alpine secdb branch JSON
// (converted from the legacy YAML of the same schema).
func feedMirror(t *testing.T) (*httptest.Server, map[string]string) {
	t.Helper()
	files := map[string][]byte{}
	for eco, tgz := range map[string]string{"Go": "osv-go-vulndb.tar.gz", "crates.io": "osv-crates.tar.gz"} {
		files["/osv/"+eco+"/all.zip"] = tarGzToZip(t, testutil.Data(t, "advisories", tgz))
	}
	for _, br := range []string{"v3.10", "v3.11"} {
		y, err := os.ReadFile(testutil.Data(t, "advisories", "alpine-secdb-legacy", br, "main.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(y, &doc); err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		files["/alpine/"+br+"/main.json"] = js
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	// the same content as local files, to compare counts with Build
	local := map[string]string{}
	dir := t.TempDir()
	for p, b := range files {
		lp := filepath.Join(dir, strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "_"))
		os.WriteFile(lp, b, 0o644)
		local[p] = lp
	}
	return srv, local
}

func tarGzToZip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		w, err := zw.Create(filepath.Base(h.Name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUpdate(t *testing.T) {
	srv, local := feedMirror(t)
	ctx := context.Background()
	dir := t.TempDir()
	dest := filepath.Join(dir, "scanfleet.db")
	cfg := UpdateConfig{
		DB:               dest,
		OSVBaseURL:       srv.URL + "/osv/",
		OSVEcosystems:    []string{"Go", "crates.io"},
		AlpineSecDBURL:   srv.URL + "/alpine",
		AlpineBranches:   []string{"v3.10", "v3.11"},
		AlpineRepos:      []string{"main"},
		DebianTrackerURL: "-",
		DistroFeeds:      []string{"-"},
		CVEListURL:       "-", KEVURL: "-", EPSSURL: "-", // TestUpdateEnrichment
		HTTPClient: srv.Client(),
	}
	wantURLs := []string{
		srv.URL + "/osv/Go/all.zip", srv.URL + "/osv/crates.io/all.zip",
		srv.URL + "/alpine/v3.10/main.json", srv.URL + "/alpine/v3.11/main.json",
	}
	if got := cfg.SourceURLs(); strings.Join(got, " ") != strings.Join(wantURLs, " ") {
		t.Fatalf("SourceURLs = %v, want %v", got, wantURLs)
	}
	info, err := Update(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The same bytes read from disk give the same counts.
	var localSrcs []string
	for _, u := range wantURLs {
		localSrcs = append(localSrcs, local[strings.TrimPrefix(u, srv.URL)])
	}
	ref, err := Build(ctx, filepath.Join(dir, "ref.db"), localSrcs, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Advisories != ref.Advisories || info.Keys != ref.Keys || len(info.Sources) != 4 {
		t.Errorf("update: %d advisories, %d keys, %d sources; local build: %d, %d", info.Advisories, info.Keys, len(info.Sources), ref.Advisories, ref.Keys)
	}
	for i, s := range info.Sources {
		if s.Source != wantURLs[i] || s.Records != ref.Sources[i].Records || s.Records == 0 {
			t.Errorf("source %d: %+v, local %+v", i, s, ref.Sources[i])
		}
	}
	db, err := vulndb.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"Go", "crates.io", "Alpine:v3.10", "Alpine:v3.11"} {
		if !db.HasEcosystem(e) {
			t.Errorf("updated database lacks %s", e)
		}
	}
	db.Close()

	// A failing source fails the update and leaves the database alone.
	before, _ := os.ReadFile(dest)
	cfg.AlpineBranches = []string{"v3.10", "v3.99"}
	if _, err := Update(ctx, cfg); err == nil || !strings.Contains(err.Error(), "v3.99/main.json") || !strings.Contains(err.Error(), "404") {
		t.Errorf("update with a missing source: %v", err)
	}
	after, _ := os.ReadFile(dest)
	if !bytes.Equal(before, after) {
		t.Error("failed update changed the database")
	}
	dbtest.AssertNoTemp(t, dir)
}

func TestDefaultSourceURLs(t *testing.T) {
	urls := UpdateConfig{}.SourceURLs()
	want := map[string]bool{
		DefaultOSVBaseURL + "/Debian/all.zip":        true,
		DefaultOSVBaseURL + "/Rocky%20Linux/all.zip": true,
		DefaultOSVBaseURL + "/Red%20Hat/all.zip":     true,
		DefaultOSVBaseURL + "/Packagist/all.zip":     true,
		DefaultAlpineSecDBURL + "/v3.20/main.json":   true,
		DefaultDebianTrackerURL:                      true,
		DefaultCVEListURL:                            true,
		DefaultKEVURL:                                true,
		DefaultEPSSURL:                               true,
	}
	for _, u := range urls {
		if u == DefaultNVDAPIURL {
			t.Errorf("NVD API in the default list without a key (a keyless full download takes over 15 minutes)")
		}
		delete(want, u)
	}
	if len(want) > 0 {
		t.Errorf("default sources lack %v", want)
	}
	if got := (UpdateConfig{NVDAPIKey: "k"}).SourceURLs(); !strings.Contains(strings.Join(got, " "), DefaultNVDAPIURL) {
		t.Errorf("NVD API not used with a key: %v", got)
	}
	if got := (UpdateConfig{Sources: []string{"a"}}).SourceURLs(); len(got) != 1 || got[0] != "a" {
		t.Errorf("explicit Sources not used: %v", got)
	}
}

func TestLoadUpdateConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("osv_base_url: http://mirror.example/osv\nosv_ecosystems: [Go]\ndebian_tracker_url: \"-\"\ndistro_feeds: [\"-\"]\nalpine_secdb_url: \"-\"\ncve_list_url: \"-\"\nkev_url: \"-\"\nepss_url: \"-\"\n"), 0o644)
	cfg, err := LoadUpdateConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.SourceURLs(); len(got) != 1 || got[0] != "http://mirror.example/osv/Go/all.zip" {
		t.Errorf("SourceURLs = %v", got)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("osv_base_ulr: http://typo\n"), 0o644)
	if _, err := LoadUpdateConfig(bad); err == nil || !strings.Contains(err.Error(), "osv_base_ulr") {
		t.Errorf("misspelt key: %v", err)
	}
}
