package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
)

// benchStore opens a fresh store of b for a benchmark.
func benchStore(tb testing.TB, b backend) Store {
	db := b.fresh(tb)
	s, err := db.open(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

var benchBackends = []backend{sqliteBackend, postgresBackend}

// BenchmarkPutResult is the store half of a result post: one idempotent
// result (20 findings, 2 IDs each) and the scanner's counter.
func BenchmarkPutResult(b *testing.B) {
	var vulns []report.Vulnerability
	for i := range 20 {
		vulns = append(vulns, report.Vulnerability{ID: fmt.Sprint("CVE-2026-", i), Aliases: []string{fmt.Sprint("GHSA-", i)}, Severity: "HIGH"})
	}
	r, raw := rep(100, vulns...)
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			ctx := context.Background()
			if err := s.AddScanner(ctx, Scanner{ID: "s", State: ScannerActive}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				im := ImageSummary{Registry: "r", Repository: "app", Digest: fmt.Sprint("sha256:", i%500), ScannedAt: time.Now(), ScannedBy: "s"}
				if _, err := s.PutResult(ctx, Result{TaskID: fmt.Sprint("t", i), Image: im, Report: r, Raw: raw}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkClaimAndPutLayer is one layer's trip: claim, then store the
// analysis under the claim.
func BenchmarkClaimAndPutLayer(b *testing.B) {
	analysis := []byte(`{"packages":[]}`)
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			ctx := context.Background()
			now := time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				key := fmt.Sprint("v1/sha256:", i)
				if got, _, err := s.ClaimLayer(ctx, key, "s", "s/1", now, now.Add(time.Minute)); err != nil || !got {
					b.Fatal(got, err)
				}
				if err := s.PutClaimedLayer(ctx, key, "s/1", analysis, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListImages lists 2,000 stored images (the API's image list),
// whole and one page of 50.
func BenchmarkListImages(b *testing.B) {
	r, raw := rep(10, report.Vulnerability{ID: "CVE-1", Severity: "LOW"})
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			ctx := context.Background()
			for i := range 2000 {
				im := ImageSummary{Registry: "r", Repository: fmt.Sprint("app", i%50), Digest: fmt.Sprint("sha256:", i), ScannedAt: time.Now()}
				if _, err := s.PutResult(ctx, Result{Image: im, Report: r, Raw: raw}); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("all", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if ims, err := s.ListImages(ctx, ImageFilter{}); err != nil || len(ims) != 2000 {
						b.Fatal(len(ims), err)
					}
				}
			})
			// One page of 50 in the middle of the list, cut in SQL.
			mid := ImageSummary{Registry: "r", Repository: "app25"}
			b.Run("page50", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if ims, err := s.ListImages(ctx, ImageFilter{Limit: 50, After: &mid}); err != nil || len(ims) != 50 {
						b.Fatal(len(ims), err)
					}
				}
			})
		})
	}
}

// BenchmarkPutResultParallel posts results from many goroutines at once,
// as a controller does for a large fleet: it shows what the connection
// pool costs when bursts exceed the idle connections it keeps.
func BenchmarkPutResultParallel(b *testing.B) {
	var vulns []report.Vulnerability
	for i := range 20 {
		vulns = append(vulns, report.Vulnerability{ID: fmt.Sprint("CVE-2026-", i), Aliases: []string{fmt.Sprint("GHSA-", i)}, Severity: "HIGH"})
	}
	r, raw := rep(100, vulns...)
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			ctx := context.Background()
			if err := s.AddScanner(ctx, Scanner{ID: "s", State: ScannerActive}); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					im := ImageSummary{Registry: "r", Repository: "app", Digest: fmt.Sprint("sha256:", i), ScannedAt: time.Now(), ScannedBy: "s"}
					if _, err := s.PutResult(ctx, Result{TaskID: fmt.Sprint("t", i), Image: im, Report: r, Raw: raw}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkPutResultsBatch32 is the group commit of 32 results at once
// (store.PutResults), per result: what a controller pays per result when
// results arrive faster than one transaction is written.
func BenchmarkPutResultsBatch32(b *testing.B) {
	var vulns []report.Vulnerability
	for i := range 20 {
		vulns = append(vulns, report.Vulnerability{ID: fmt.Sprint("CVE-2026-", i), Aliases: []string{fmt.Sprint("GHSA-", i)}, Severity: "HIGH"})
	}
	r, raw := rep(100, vulns...)
	const batch = 32
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			ctx := context.Background()
			if err := s.AddScanner(ctx, Scanner{ID: "s", State: ScannerActive}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				var rs []Result
				for j := i; j < min(i+batch, b.N); j++ {
					im := ImageSummary{Registry: "r", Repository: "app", Digest: fmt.Sprint("sha256:", j%500), ScannedAt: time.Now(), ScannedBy: "s"}
					rs = append(rs, Result{TaskID: fmt.Sprint("t", j), Image: im, Report: r, Raw: raw})
				}
				if _, err := s.PutResults(ctx, rs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
