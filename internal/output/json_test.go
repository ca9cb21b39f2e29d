package output_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/output"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// wholeJSON is the JSON writer WriteJSON replaced: the whole report
// encoded into one buffer and indented.
func wholeJSON(rep *report.Report) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TestWriteJSONByteIdentical checks that the streamed JSON report is byte
// for byte the previous writer's: for edge cases (nil and empty lists,
// per-layer lists whose members share the top-level names, characters
// the encoder escapes) and for real reports: the shared fixture image (its
// OCI and docker archives) scanned against a database built from every
// shared advisory feed and the shared enrichment data.
func TestWriteJSONByteIdentical(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	finding := report.Vulnerability{ID: "CVE-2024-0001", Package: "a<b>&c", InstalledVersion: "1.0", Title: "line\nbreak \u2028 \"quoted\" é", Severity: "HIGH"}
	pkg := report.Package{Name: "zlib", Version: "1.3.1-r1", Type: "apk"}
	tests := []struct {
		name string
		rep  *report.Report
	}{
		{"zero report", &report.Report{}},
		{"empty lists", &report.Report{Packages: []report.Package{}, Vulnerabilities: []report.Vulnerability{}, ScannedAt: at}},
		{"packages only", &report.Report{Packages: []report.Package{pkg, pkg}, ScannedAt: at}},
		{"escapes", &report.Report{Packages: []report.Package{pkg}, Vulnerabilities: []report.Vulnerability{finding, finding}, Warnings: []string{"<script>"}, ScannedAt: at, ScannerVersion: "dev"}},
		{"per-layer lists", &report.Report{
			Image:           &report.Image{Reference: "x", Layers: []report.Layer{{Digest: "sha256:1", Packages: []report.Package{pkg}, Vulnerabilities: []report.Vulnerability{finding}}}},
			Packages:        []report.Package{pkg},
			Vulnerabilities: []report.Vulnerability{finding},
			Coverage:        []report.Coverage{{Ecosystem: "Alpine:v3.20", Packages: 1, Covered: true}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkJSON(t, tc.rep) })
	}
	t.Run("shared fixtures", func(t *testing.T) {
		for _, r := range realReports(t) {
			t.Run(r.name, func(t *testing.T) { checkJSON(t, r.rep) })
		}
	})
}

// checkJSON compares WriteJSON and output.Write(json) with wholeJSON.
func checkJSON(t *testing.T, rep *report.Report) {
	t.Helper()
	var got bytes.Buffer
	if err := output.WriteJSON(&got, rep); err != nil {
		t.Fatal(err)
	}
	want := wholeJSON(rep)
	if !bytes.Equal(got.Bytes(), want) {
		i := 0
		for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
			i++
		}
		t.Fatalf("streamed JSON differs at byte %d of %d/%d:\n got …%q\nwant …%q", i, got.Len(), len(want), got.Bytes()[max(0, i-80):min(got.Len(), i+80)], want[max(0, i-80):min(len(want), i+80)])
	}
	var via bytes.Buffer
	if err := output.Write(&via, "json", rep); err != nil || !bytes.Equal(via.Bytes(), want) {
		t.Errorf("output.Write(json) is not the streamed writer: %v", err)
	}
}

type namedReport struct {
	name string
	rep  *report.Report
}

// realReports scans the shared fixture image's two archives against a database built from the shared advisories and enrichment.
func realReports(t *testing.T) []namedReport {
	t.Helper()
	adv := testutil.Data(t, "advisories")
	enr := testutil.Data(t, "enrichment")
	ctx := context.Background()
	entries, err := os.ReadDir(adv)
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, e := range entries {
		srcs = append(srcs, filepath.Join(adv, e.Name()))
	}
	dbPath := filepath.Join(t.TempDir(), "shared.db")
	if _, err := vulndbbuild.Build(ctx, dbPath, append(srcs, enr), vulndbbuild.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var out []namedReport
	for _, target := range []string{
		"oci-archive:" + testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.oci.tar"),
		"docker-archive:" + testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.docker.tar"),
	} {
		src, err := source.Open(ctx, target, source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority, Cache: layer.NewMemCache(0)}
		rep, err := s.Scan(ctx, scan.Target{Image: src.Image, Reference: src.Reference}, scan.Options{Matcher: scan.StoreMatcher{Store: db}})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Vulnerabilities) < 100 || len(rep.Packages) < 50 {
			t.Fatalf("%s: %d findings and %d packages, want the fixture's 150+ and 50+", target, len(rep.Vulnerabilities), len(rep.Packages))
		}
		out = append(out, namedReport{fmt.Sprintf("scan of %s", filepath.Base(target)), rep})
	}
	return out
}

// BenchmarkJSON20000 writes a report with 20,000 findings (each with
// aliases, references, vectors, a description) streamed and whole.
//
//	go test -run '^$' -bench JSON20000 -benchmem ./internal/output/
func BenchmarkJSON20000(b *testing.B) {
	rep := &report.Report{ScannedAt: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
	for i := range 20000 {
		rep.Vulnerabilities = append(rep.Vulnerabilities, report.Vulnerability{
			ID: fmt.Sprintf("DEBIAN-CVE-2024-%d", 10000+i), Aliases: []string{fmt.Sprintf("CVE-2024-%d", 10000+i)},
			Package: fmt.Sprintf("lib%d", i/100), InstalledVersion: "1.0-1", FixedVersion: "1.0-2", Status: "fixed",
			Severity: "HIGH", Score: 8.2, Title: "Out-of-bounds read in the parser",
			Description: "A flaw was found in the parser. A remote attacker could send a crafted request that triggers an out-of-bounds read, leading to a crash or the disclosure of memory.",
			References:  []string{"https://security-tracker.debian.org/tracker/CVE-2024-1", "https://example.org/issues/1", "https://example.org/commit/0123456789abcdef"},
			CVSS:        []report.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:H", Score: 8.2, Source: "cna"}},
		})
	}
	for _, bc := range []struct {
		name  string
		write func(w io.Writer) error
	}{
		{"streamed", func(w io.Writer) error { return output.WriteJSON(w, rep) }},
		{"whole", func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var w countWriter // like a file: keeps nothing
			for b.Loop() {
				w = 0
				if err := bc.write(&w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w), "json-bytes")
		})
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
