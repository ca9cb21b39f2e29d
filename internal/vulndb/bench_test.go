package vulndb

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Figures from these benchmarks are recorded in docs/db-format.md:
//
//	go test -run '^$' -bench . -benchtime 10x ./internal/vulndb/

func BenchmarkBuild(b *testing.B) {
	srcs := sourcePaths(b)
	out := filepath.Join(b.TempDir(), "bench.db")
	var size int64
	for b.Loop() {
		info, err := Build(context.Background(), out, srcs, BuildOptions{})
		if err != nil {
			b.Fatal(err)
		}
		size = info.Size
	}
	b.ReportMetric(float64(size), "file-bytes")
}

func BenchmarkOpen(b *testing.B) {
	f := fullDB(b)
	for b.Loop() {
		db, err := Open(f.path)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkOpenVerified is Open plus every data block hashed (what the
// Watcher and installs do).
func BenchmarkOpenVerified(b *testing.B) {
	f := fullDB(b)
	for b.Loop() {
		db, err := OpenVerified(f.path)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkOpenNoVerify is Open without the sha256 of the head, to show
// what the eager part of the digest check costs.
func BenchmarkOpenNoVerify(b *testing.B) {
	f := fullDB(b)
	for b.Loop() {
		data, err := os.ReadFile(f.path)
		if err != nil {
			b.Fatal(err)
		}
		l, err := parseHeader(data)
		if err != nil {
			b.Fatal(err)
		}
		db, err := openLayout(l)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkLookup500 looks up 500 packages spread over every ecosystem,
// decoding every advisory returned, on an already opened DB.
func BenchmarkLookup500(b *testing.B) {
	f := fullDB(b)
	db, err := Open(f.path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	keys := sampleKeys(f.byKey, 500)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		n = 0
		for _, k := range keys {
			eco, pkg, _ := cut0(k)
			got, err := db.Advisories(ctx, eco, pkg)
			if err != nil {
				b.Fatal(err)
			}
			n += len(got)
		}
	}
	b.ReportMetric(float64(n), "advisories/op")
}

// BenchmarkBuildCorpus builds the database from the synthetic corpus that
// bench/mkcorpus writes (issue 19), when SCANFLEET_BENCH_CORPUS names its
// folder; bench/db.sh runs the same build through the command line.
//
//	go run ./bench/mkcorpus -out /tmp/corpus
//	SCANFLEET_BENCH_CORPUS=/tmp/corpus go test -run '^$' -bench BuildCorpus -benchtime 1x -cpuprofile cpu.out ./internal/vulndb/
func BenchmarkBuildCorpus(b *testing.B) {
	dir := os.Getenv("SCANFLEET_BENCH_CORPUS")
	if dir == "" {
		b.Skip("SCANFLEET_BENCH_CORPUS is not set")
	}
	srcs, _ := filepath.Glob(filepath.Join(dir, "osv", "*", "all.zip"))
	if os.Getenv("SCANFLEET_BENCH_NO_CVE") == "" {
		srcs = append(srcs, filepath.Join(dir, "cve", "cves.zip"), filepath.Join(dir, "cve", "kev.json"), filepath.Join(dir, "cve", "epss.csv.gz"))
	}
	out := filepath.Join(b.TempDir(), "corpus.db")
	var size int64
	for b.Loop() {
		info, err := Build(context.Background(), out, srcs, BuildOptions{})
		if err != nil {
			b.Fatal(err)
		}
		size = info.Size
	}
	b.ReportMetric(float64(size), "file-bytes")
}

// BenchmarkOpenFile opens the database file SCANFLEET_BENCH_DBFILE names
// (e.g. the one bench/db.sh builds) and looks up one package: the cost
// of a scanner's first lookup on a real-sized file.
func BenchmarkOpenFile(b *testing.B) {
	path := os.Getenv("SCANFLEET_BENCH_DBFILE")
	if path == "" {
		b.Skip("SCANFLEET_BENCH_DBFILE is not set")
	}
	for b.Loop() {
		db, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Advisories(context.Background(), "npm", "npm-pkg-1"); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkRebuildCorpusCached is what an update with nothing changed
// costs: the corpus (SCANFLEET_BENCH_CORPUS) is built once into a cache,
// then every iteration builds again from it (no source is parsed; only
// the merge runs).
//
//	SCANFLEET_BENCH_CORPUS=/tmp/corpus go test -run '^$' -bench RebuildCorpusCached -benchtime 2x -cpuprofile cpu.out ./internal/vulndb/
func BenchmarkRebuildCorpusCached(b *testing.B) {
	dir := os.Getenv("SCANFLEET_BENCH_CORPUS")
	if dir == "" {
		b.Skip("SCANFLEET_BENCH_CORPUS is not set")
	}
	srcs, _ := filepath.Glob(filepath.Join(dir, "osv", "*", "all.zip"))
	if os.Getenv("SCANFLEET_BENCH_NO_CVE") == "" {
		srcs = append(srcs, filepath.Join(dir, "cve", "cves.zip"), filepath.Join(dir, "cve", "kev.json"), filepath.Join(dir, "cve", "epss.csv.gz"))
	}
	tmp := b.TempDir()
	out := filepath.Join(tmp, "corpus.db")
	opts := BuildOptions{CacheDir: filepath.Join(tmp, "cache")}
	if _, err := Build(context.Background(), out, srcs, opts); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(context.Background(), out, srcs, opts); err != nil {
			b.Fatal(err)
		}
	}
}
