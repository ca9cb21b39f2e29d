// Package ecosystemtest holds the end-to-end harness of the distribution
// tests: build a database from feed files with vulndbbuild.Build (what
// `scanfleet db build` runs), build an image from real release files and
// package databases, scan it with the default analyzers, and compare the
// findings with an expected list.
package ecosystemtest

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// Finding is one expected or reported finding, in the shape of the shared
// truth.tsv files.
type Finding struct {
	Package, Installed, Fixed, Advisory string
}

func (f Finding) String() string {
	return f.Package + " " + f.Installed + " -> " + f.Fixed + " " + f.Advisory
}

// ReadTruth reads a truth.tsv (header line, then package, installed
// version, fixed version, advisory, note).
func ReadTruth(t testing.TB, path string) []Finding {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Finding
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		if first || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 4 {
			t.Fatalf("%s: short row %q", path, sc.Text())
		}
		out = append(out, Finding{c[0], c[1], c[2], c[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// File reads a file of the shared test data into an image file at path.
func File(t testing.TB, src, path string) imagebuild.File {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return imagebuild.File{Path: path, Content: b}
}

// Scan builds a database from sources with vulndbbuild.Build, an image of one
// layer holding files, and scans the image against the database.
func Scan(t testing.TB, sources []string, files ...imagebuild.File) *report.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbPath := filepath.Join(t.TempDir(), "scanfleet.db")
	info, err := vulndbbuild.Build(ctx, dbPath, sources, vulndbbuild.BuildOptions{})
	if err != nil {
		t.Fatalf("db build: %v", err)
	}
	for _, s := range info.Sources {
		if s.Malformed > 0 {
			t.Errorf("db build: %s: %d malformed records: %v", s.Source, s.Malformed, s.Errors)
		}
	}
	db, err := vulndb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := imagebuild.Files(files...)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagebuild.Image(imagebuild.Layer{Layer: l, CreatedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	s := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority}
	rep, err := s.Scan(ctx, scan.Target{Image: img, Reference: "test"}, scan.Options{Matcher: scan.StoreMatcher{Store: db}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// Findings returns a report's findings, one per (package, advisory id)
// and one more per alias in aliases (the truth lists name a GHSA and its
// CVE as two rows when the feed lists both).
func Findings(rep *report.Report) []Finding {
	var out []Finding
	for _, v := range rep.Vulnerabilities {
		out = append(out, Finding{v.Package, v.InstalledVersion, v.FixedVersion, v.ID})
	}
	return out
}

// Equal fails t unless got and want hold the same findings, whatever the
// order, listing the differences.
func Equal(t testing.TB, got, want []Finding) {
	t.Helper()
	key := func(f Finding) string { return f.String() }
	g, w := map[string]bool{}, map[string]bool{}
	for _, f := range got {
		if g[key(f)] {
			t.Errorf("duplicate finding %s", f)
		}
		g[key(f)] = true
	}
	for _, f := range want {
		w[key(f)] = true
	}
	var missing, extra []string
	for k := range w {
		if !g[k] {
			missing = append(missing, k)
		}
	}
	for k := range g {
		if !w[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	for _, m := range missing {
		t.Errorf("missing finding: %s", m)
	}
	for _, e := range extra {
		t.Errorf("unexpected finding: %s", e)
	}
}

// Coverage returns the report's coverage entry of ecosystem eco.
func Coverage(t testing.TB, rep *report.Report, eco string) report.Coverage {
	t.Helper()
	for _, c := range rep.Coverage {
		if c.Ecosystem == eco {
			return c
		}
	}
	t.Fatalf("no coverage for %s in %+v", eco, rep.Coverage)
	return report.Coverage{}
}
