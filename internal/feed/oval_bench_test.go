package feed

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// BenchmarkOVALPhoton loads Photon 3's complete OVAL document (1.8 MB,
// the shared data) and, to see how memory follows the document's size,
// cuts of it with fewer definitions. Besides the allocations it reports
// peak-live-MB: the live heap when the first advisory is emitted, the
// moment every definition, test, object and state the document needs is
// held (after a forced collection, so garbage does not count), less the
// live heap before the load.
func BenchmarkOVALPhoton(b *testing.B) {
	doc, err := os.ReadFile(filepath.Join(testutil.DataDir(b), "distros", "photon", "com.vmware.phsa-photon3.xml"))
	if err != nil {
		b.Skipf("shared test data: %v", err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"defs=100", ovalSample(doc, 100)},
		{"defs=400", ovalSample(doc, 400)},
		{"complete", doc},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var ms runtime.MemStats
			var peak uint64
			n := 0
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for b.Loop() {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				first := true
				l := &loader{ctx: context.Background(), stats: &Stats{}, emit: func(*advisory.Advisory) error {
					if first {
						first = false
						runtime.GC()
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > base {
							peak = max(peak, ms.HeapAlloc-base)
						}
					}
					return nil
				}}
				if err := l.loadDoc("com.vmware.phsa-photon3.xml", bytes.NewReader(tc.data)); err != nil {
					b.Fatal(err)
				}
				if l.stats.Malformed != 0 {
					b.Fatalf("malformed: %v", l.stats.Errors)
				}
				n = l.stats.Records
			}
			b.ReportMetric(float64(peak)/1e6, "peak-live-MB")
			b.ReportMetric(float64(n), "advisories")
		})
	}
}

// BenchmarkUpdateInfoStream loads updateinfo.xml documents of 1,000 and
// 20,000 updates (the real ALAS2 update of the tests, renumbered): each
// update is emitted as it is read, so peak-live-MB, the largest live heap
// seen at every 500th advisory, stays the same whatever the document's
// length.
func BenchmarkUpdateInfoStream(b *testing.B) {
	head, rest, _ := strings.Cut(updateInfoDoc, "<update ")
	one := "<update " + rest[:strings.Index(rest, "</update>")+len("</update>")]
	for _, n := range []int{1000, 20000} {
		var doc strings.Builder
		doc.WriteString(head)
		for i := range n {
			doc.WriteString(strings.Replace(one, "ALAS2-2021-1699", fmt.Sprintf("ALAS2-2021-%d", 100000+i), 1))
		}
		doc.WriteString("</updates>\n")
		data := []byte(doc.String())
		b.Run(fmt.Sprintf("updates=%d", n), func(b *testing.B) {
			var ms runtime.MemStats
			var peak uint64
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				k := 0
				l := &loader{ctx: context.Background(), stats: &Stats{}, emit: func(*advisory.Advisory) error {
					if k++; k%500 == 0 {
						runtime.GC()
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > base {
							peak = max(peak, ms.HeapAlloc-base)
						}
					}
					return nil
				}}
				if err := l.loadDoc("updateinfo.xml", bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				if l.stats.Records != n {
					b.Fatalf("%d advisories, want %d (%v)", l.stats.Records, n, l.stats.Errors)
				}
			}
			b.ReportMetric(float64(peak)/1e6, "peak-live-MB")
		})
	}
}
