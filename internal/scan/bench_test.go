package scan_test

import (
	"context"
	"os"
	"testing"

	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// BenchmarkScanRootFS measures the inventory part of a scan (decompress,
// walk, parse, merge) on real root filesystems, with no cache.
//
//	go test -run '^$' -bench ScanRootFS -benchmem ./internal/scan/
func BenchmarkScanRootFS(b *testing.B) {
	for _, name := range []string{"debian-bookworm-minbase.tar.gz", "alpine-minirootfs-3.20.3-x86_64.tar.gz"} {
		b.Run(name, func(b *testing.B) {
			path := testutil.Data(b, "rootfs", name)
			l, err := imagebuild.FromFile(path)
			if err != nil {
				b.Fatal(err)
			}
			img, err := imagebuild.Image(imagebuild.Layer{Layer: l})
			if err != nil {
				b.Fatal(err)
			}
			s := newScanner()
			s.Cache = nil
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Scan(context.Background(), scan.Target{Image: img, Reference: name}, scan.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScanArchive measures a whole inventory scan of a docker-archive
// file as the CLI opens it (set SCANFLEET_BENCH_ARCHIVE; bench/scan.sh
// writes suitable files).
func BenchmarkScanArchive(b *testing.B) {
	path := os.Getenv("SCANFLEET_BENCH_ARCHIVE")
	if path == "" {
		b.Skip("SCANFLEET_BENCH_ARCHIVE not set")
	}
	s := newScanner()
	s.Cache = nil
	for i := 0; i < b.N; i++ {
		img, err := source.Open(context.Background(), "docker-archive:"+path, source.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Scan(context.Background(), scan.Target{Image: img.Image, Reference: img.Reference, StoredUncompressed: img.StoredUncompressed}, scan.Options{}); err != nil {
			b.Fatal(err)
		}
		img.Close()
	}
}
