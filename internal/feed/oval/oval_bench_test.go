package oval

import (
	"fmt"
	"testing"
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
