package scan_test

import (
	"context"
	"testing"

	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/scan"
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
