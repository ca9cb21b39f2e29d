package match

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// manyFindings describes the synthetic inventory of BenchmarkMatch20000:
// a Debian 12 image whose source packages each have many advisories (as
// linux, glibc or openssl do), most of them affecting the installed
// version, matched through several binary packages per source.
const (
	mfSources     = 100 // source packages
	mfBinaries    = 2   // binary packages per source
	mfAffecting   = 100 // advisories per source affecting the installed version
	mfFixedBefore = 50  // advisories per source fixed before it
	mfFindings    = mfSources * mfBinaries * mfAffecting
)

// writeManyFindingsFeeds writes the OSV records and CVE JSON 5 records of
// the synthetic inventory's database into dir.
func writeManyFindingsFeeds(tb testing.TB, dir string) {
	tb.Helper()
	osv := filepath.Join(dir, "osv")
	cves := filepath.Join(dir, "cve")
	for _, d := range []string{osv, cves} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	n := 0
	for s := range mfSources {
		for a := range mfAffecting + mfFixedBefore {
			n++
			cve := fmt.Sprintf("CVE-2024-%d", 10000+n)
			fixed := "1.0-2" // above the installed 1.0-1
			if a >= mfAffecting {
				fixed = "0.9-1"
			}
			rec := map[string]any{
				"id":        "DEBIAN-" + cve,
				"aliases":   []string{cve},
				"modified":  "2026-11-30T23:00:00Z",
				"published": "2024-05-18T06:31:00Z",
				"summary":   fmt.Sprintf("src%d: issue %d", s, a),
				"details":   fmt.Sprintf("A flaw was found in src%d. A remote attacker could send a crafted request that triggers an out-of-bounds read in the parser (%d), leading to a crash or the disclosure of memory. This is a synthetic record of realistic length for a benchmark.", s, a),
				"references": []map[string]string{
					{"type": "ADVISORY", "url": "https://security-tracker.debian.org/tracker/" + cve},
					{"type": "WEB", "url": fmt.Sprintf("https://example.org/src%d/issues/%d", s, a)},
					{"type": "FIX", "url": fmt.Sprintf("https://example.org/src%d/commit/%040x", s, n)},
				},
				"affected": []map[string]any{{
					"package": map[string]string{"ecosystem": "Debian:12", "name": fmt.Sprintf("src%d", s)},
					"ranges": []map[string]any{{
						"type":   "ECOSYSTEM",
						"events": []map[string]string{{"introduced": "0"}, {"fixed": fixed}},
					}},
				}},
			}
			writeJSON(tb, filepath.Join(osv, "DEBIAN-"+cve+".json"), rec)
			doc := map[string]any{
				"dataType":    "CVE_RECORD",
				"cveMetadata": map[string]string{"cveId": cve, "state": "PUBLISHED"},
				"containers": map[string]any{"cna": map[string]any{
					"providerMetadata": map[string]string{"shortName": "example"},
					"title":            fmt.Sprintf("Out-of-bounds read in src%d", s),
					"descriptions":     []map[string]string{{"lang": "en", "value": "An out-of-bounds read in the parser allows a remote attacker to crash the service."}},
					"references":       []map[string]string{{"url": "https://example.org/advisory/" + cve}},
					"metrics":          []map[string]any{{"cvssV3_1": map[string]any{"vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:H", "baseScore": 8.2}}},
				}},
			}
			writeJSON(tb, filepath.Join(cves, cve+".json"), doc)
		}
	}
}

func writeJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// manyFindingsInventory is the image's packages: mfBinaries binary
// packages of each source package, at version 1.0-1.
func manyFindingsInventory() (*report.OS, []report.Package) {
	var pkgs []report.Package
	for s := range mfSources {
		for b := range mfBinaries {
			pkgs = append(pkgs, report.Package{
				Name: fmt.Sprintf("lib%d-%d", s, b), Version: "1.0-1", Type: "deb",
				SourceName: fmt.Sprintf("src%d", s), SourceVersion: "1.0-1",
				Path: "var/lib/dpkg/status",
			})
		}
	}
	return &report.OS{ID: "debian", VersionID: "12"}, pkgs
}

// manyFindingsDB builds the synthetic database once per test binary run
// into dir (the caller's temporary directory).
func manyFindingsDB(tb testing.TB, dir string) *vulndb.DB {
	tb.Helper()
	writeManyFindingsFeeds(tb, dir)
	path := filepath.Join(dir, "many.db")
	if _, err := vulndbbuild.Build(context.Background(), path, []string{filepath.Join(dir, "osv"), filepath.Join(dir, "cve")}, vulndbbuild.BuildOptions{}); err != nil {
		tb.Fatal(err)
	}
	db, err := vulndb.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkMatch20000 matches an inventory with 20,000 findings (issue
// 19: a scan with 20,000 findings spent most of its time matching)
// against a generated database: 200 binary packages of 100 source
// packages, each source with 150 advisories of which 100 affect the
// installed version, every advisory with a CVE enrichment record.
//
//	go test -run '^$' -bench Match20000 -benchmem ./internal/match/
func BenchmarkMatch20000(b *testing.B) {
	db := manyFindingsDB(b, b.TempDir())
	osr, pkgs := manyFindingsInventory()
	ctx := context.Background()
	for b.Loop() {
		vulns, _, err := Match(ctx, db, osr, pkgs)
		if err != nil {
			b.Fatal(err)
		}
		if len(vulns) != mfFindings {
			b.Fatalf("%d findings, want %d", len(vulns), mfFindings)
		}
	}
	b.ReportMetric(mfFindings, "findings/op")
}
