package build

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/enrich"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// The enrichment benchmarks measure what the CVE List and NVD volumes
// (about 300,000 CVE records) cost the database, with a synthetic corpus
// made from the shapes of the 704 real CVE JSON 5 records of the shared
// data: each synthetic CVE copies one real record's title, description
// (with its id spliced in, so no two are byte-identical), references and
// vectors, ids spread over 1999-2026 like the real list, every CVE with an
// EPSS row and 1,400 of them in KEV. Figures are in docs/benchmarks.md:
//
//	SCANFLEET_BENCH_CVES=300000 go test -run '^$' -bench 'Enrich' -benchtime 1x ./internal/vulndb/

// synthCVEs is how many synthetic CVEs the benchmarks generate.
func synthCVEs(tb testing.TB) int {
	if s := os.Getenv("SCANFLEET_BENCH_CVES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			tb.Fatalf("SCANFLEET_BENCH_CVES=%q", s)
		}
		return n
	}
	return 300000
}

// realShapes reads the real CVE JSON 5 records.
func realShapes(tb testing.TB) []advisory.Enrichment {
	files, _ := filepath.Glob(filepath.Join(testutil.Data(tb, "enrichment", "cve5"), "*.json"))
	var out []advisory.Enrichment
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		e, err := enrich.ParseCVE5(b)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, *e)
	}
	if len(out) == 0 {
		tb.Fatal("no CVE JSON 5 records")
	}
	return out
}

// synthSource is a source name the benchmark's loader turns into the
// synthetic corpus; every other source is read by feed.LoadAll.
const synthSource = "synthetic-cves"

func synthLoad(shapes []advisory.Enrichment, n int) loadFunc {
	return func(ctx context.Context, src string, emit feed.EmitFunc, opts feed.Options) (feed.Stats, error) {
		if src != synthSource {
			return feed.LoadAll(ctx, src, emit, opts)
		}
		st := feed.Stats{Source: src}
		for i := 0; i < n; i++ {
			s := shapes[i%len(shapes)]
			// ~11,000 ids a year over 28 years, numbered like the list.
			year := 1999 + i*28/n
			id := fmt.Sprintf("CVE-%d-%d", year, 1000+i%(n/28+1))
			e := advisory.Enrichment{ID: id, Title: s.Title, CNASeverity: s.CNASeverity,
				Description: strings.Replace(s.Description, " ", " "+id+" ", 1),
				References:  s.References, CVSS: s.CVSS,
				EPSS: &report.EPSS{Score: float64(i%1000) / 1000, Percentile: float64(i%997) / 997, Date: "2026-11-01"}}
			if i%(n/1400+1) == 0 {
				e.KEV = &report.KEV{DateAdded: "2024-01-02", DueDate: "2024-01-23"}
			}
			if err := opts.Enrich(&e); err != nil {
				return st, err
			}
			st.Enrichment++
		}
		return st, nil
	}
}

var benchDBs sync.Map // "plain"/"enriched" -> path

// benchDB builds (once per process) the database of the Alpine secdb
// subset and the Go vulnerability database, with or without the
// synthetic enrichment corpus.
func benchDB(b *testing.B, enriched bool) string {
	key := strconv.FormatBool(enriched)
	if p, ok := benchDBs.Load(key); ok {
		return p.(string)
	}
	srcs := []string{testutil.Data(b, "advisories", "alpine-secdb-3.20-subset"), testutil.Data(b, "advisories", "osv-go-vulndb.tar.gz")}
	load := loadFunc(feed.LoadAll)
	if enriched {
		srcs = append(srcs, synthSource)
		load = synthLoad(realShapes(b), synthCVEs(b))
	}
	dir, err := os.MkdirTemp("", "scanfleet-bench-")
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "bench.db")
	if _, err := build(context.Background(), out, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt}, load); err != nil {
		b.Fatal(err)
	}
	benchDBs.Store(key, out)
	return out
}

// BenchmarkBuildEnriched builds the Alpine + Go database with and
// without the synthetic corpus, and reports the file size.
func BenchmarkBuildEnriched(b *testing.B) {
	shapes := realShapes(b)
	n := synthCVEs(b)
	srcs := []string{testutil.Data(b, "advisories", "alpine-secdb-3.20-subset"), testutil.Data(b, "advisories", "osv-go-vulndb.tar.gz")}
	for _, tc := range []struct {
		name string
		srcs []string
	}{{"feeds-only", srcs}, {fmt.Sprintf("feeds+%dCVEs", n), append(srcs[:2:2], synthSource)}} {
		b.Run(tc.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "bench.db")
			var info vulndb.Info
			for b.Loop() {
				var err error
				if info, err = build(context.Background(), out, tc.srcs, BuildOptions{}, synthLoad(shapes, n)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(info.Size)/(1<<20), "file-MiB")
			if info.Enrichment != nil {
				b.ReportMetric(float64(info.Enrichment.CVEs), "CVEs")
			}
		})
	}
}

// fixturePackages is the Alpine 3.20.3 root filesystem's packages plus
// the Go modules of the shared fixture image's program.
func fixturePackages(b *testing.B) (*report.OS, []report.Package) {
	inst := testutil.TarGzFile(b, testutil.Data(b, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"), "lib/apk/db/installed")
	var pkgs []report.Package
	var cur report.Package
	sc := bufio.NewScanner(bytes.NewReader(inst))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.Name != "" {
				cur.Type = report.TypeAPK
				pkgs = append(pkgs, cur)
			}
			cur = report.Package{}
		case strings.HasPrefix(line, "P:"):
			cur.Name = line[2:]
		case strings.HasPrefix(line, "V:"):
			cur.Version = line[2:]
		case strings.HasPrefix(line, "o:"):
			cur.SourceName = line[2:]
		}
	}
	if cur.Name != "" {
		cur.Type = report.TypeAPK
		pkgs = append(pkgs, cur)
	}
	for _, m := range [][2]string{{"stdlib", "v1.21.0"}, {"golang.org/x/net", "v0.7.0"}, {"golang.org/x/text", "v0.7.0"}, {"gopkg.in/yaml.v2", "v2.2.7"}} {
		pkgs = append(pkgs, report.Package{Name: m[0], Version: m[1], Type: "go-module"})
	}
	return &report.OS{ID: "alpine", VersionID: "3.20.3"}, pkgs
}

// BenchmarkMatchEnriched matches the fixture's packages (the work of a
// scan once the image is read) against the database with and without
// 300,000 CVEs of enrichment: the lookups are the same binary searches,
// plus one bucket decode per distinct CVE found.
func BenchmarkMatchEnriched(b *testing.B) {
	osInfo, pkgs := fixturePackages(b)
	for _, enriched := range []bool{false, true} {
		name := "feeds-only"
		if enriched {
			name = "enriched"
		}
		b.Run(name, func(b *testing.B) {
			db, err := vulndb.Open(benchDB(b, enriched))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			var n int
			for b.Loop() {
				vulns, _, err := match.Match(context.Background(), db, osInfo, pkgs)
				if err != nil {
					b.Fatal(err)
				}
				n = len(vulns)
			}
			b.ReportMetric(float64(n), "findings")
		})
	}
}
