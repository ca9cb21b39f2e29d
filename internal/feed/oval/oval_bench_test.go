package oval

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/feed/format/formattest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// BenchmarkOVALDefinitions reads OVAL documents of 1,000 to 16,000
// definitions (photonDoc: 2 KiB descriptions, the same few tests) and
// reports peak-live-MB, the live heap when every definition has been read
// (see liveAtFirst): what reading a definition keeps until the document's
// tests, objects and states, which follow the definitions, are known.
func BenchmarkOVALDefinitions(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		doc := photonDoc(n, 2048)
		b.Run(fmt.Sprintf("defs=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				live, _, _ := liveAtFirst(b, doc)
				peak = max(peak, live)
			}
			b.ReportMetric(float64(peak)/1e6, "peak-live-MB")
		})
	}
}

// BenchmarkOVALRead reads Photon 3's complete OVAL document (the shared
// data: 222 definitions, whose release comes from their platform, and
// about 1,800 tests, objects and states) and a synthetic one of 4,000
// definitions without forcing collections, and reports the time per
// definition (the document's whole reading, tests and states included,
// over its definitions): µs/def of wall time and cpu-µs/def of the
// process's CPU time (getrusage), which a loaded machine disturbs much
// less than the wall time.
func BenchmarkOVALRead(b *testing.B) {
	for _, tc := range []struct {
		name string
		doc  func(testing.TB) []byte
	}{
		{"photon3", func(tb testing.TB) []byte {
			doc, err := os.ReadFile(testutil.Data(tb, "distros", "photon", "com.vmware.phsa-photon3.xml"))
			if err != nil {
				tb.Fatal(err)
			}
			return doc
		}},
		{"synthetic=4000", func(testing.TB) []byte { return photonDoc(4000, 2048) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			doc := tc.doc(b)
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			n := 0
			cpu0 := cpuTime(b)
			for b.Loop() {
				sink := &formattest.Sink{}
				if err := readDoc(b, "com.vmware.phsa-photon3.xml", doc, sink); err != nil {
					b.Fatal(err)
				}
				if len(sink.Errors) != 0 || len(sink.Advisories) == 0 {
					b.Fatalf("%d advisories, malformed %v", len(sink.Advisories), sink.Errors)
				}
				n = len(sink.Advisories)
			}
			cpu := cpuTime(b) - cpu0
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/def")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(n), "cpu-µs/def")
		})
	}
}

// cpuTime is the CPU time the process has used (user and system, every
// thread: the collector's work counts).
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
