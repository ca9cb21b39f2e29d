package build

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// Figures from these benchmarks are recorded in docs/db-format.md:
//
//	go test -run '^$' -bench . -benchtime 10x ./internal/vulndb/build/

func BenchmarkBuild(b *testing.B) {
	srcs := dbtest.SourcePaths(b)
	out := filepath.Join(b.TempDir(), "bench.db")
	buildEach(b, out, srcs)
}

// BenchmarkBuildCorpus builds the database from the synthetic corpus that
// bench/mkcorpus writes (issue 19), when SCANFLEET_BENCH_CORPUS names its
// folder; bench/db.sh runs the same build through the command line.
//
//	go run ./bench/mkcorpus -out /tmp/corpus
//	SCANFLEET_BENCH_CORPUS=/tmp/corpus go test -run '^$' -bench BuildCorpus -benchtime 1x -cpuprofile cpu.out ./internal/vulndb/build/
func BenchmarkBuildCorpus(b *testing.B) {
	srcs := corpusSources(b)
	out := filepath.Join(b.TempDir(), "corpus.db")
	buildEach(b, out, srcs)
}

// BenchmarkRebuildCorpusCached is what an update with nothing changed
// costs: the corpus (SCANFLEET_BENCH_CORPUS) is built once into a cache,
// then every iteration builds again from it (no source is parsed; only
// the merge runs).
//
//	SCANFLEET_BENCH_CORPUS=/tmp/corpus go test -run '^$' -bench RebuildCorpusCached -benchtime 2x -cpuprofile cpu.out ./internal/vulndb/build/
func BenchmarkRebuildCorpusCached(b *testing.B) {
	srcs := corpusSources(b)
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

// corpusSources lists the feeds of the synthetic corpus that
// bench/mkcorpus wrote to $SCANFLEET_BENCH_CORPUS (the CVE List, KEV and
// EPSS left out when SCANFLEET_BENCH_NO_CVE is set), skipping the
// benchmark when it is not set.
func corpusSources(b *testing.B) []string {
	b.Helper()
	dir := os.Getenv("SCANFLEET_BENCH_CORPUS")
	if dir == "" {
		b.Skip("SCANFLEET_BENCH_CORPUS is not set")
	}
	srcs, _ := filepath.Glob(filepath.Join(dir, "osv", "*", "all.zip"))
	if os.Getenv("SCANFLEET_BENCH_NO_CVE") == "" {
		srcs = append(srcs, filepath.Join(dir, "cve", "cves.zip"), filepath.Join(dir, "cve", "kev.json"), filepath.Join(dir, "cve", "epss.csv.gz"))
	}
	return srcs
}

// buildEach builds out from srcs once per iteration, without a cache, and
// reports the file's size.
func buildEach(b *testing.B, out string, srcs []string) {
	b.Helper()
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
