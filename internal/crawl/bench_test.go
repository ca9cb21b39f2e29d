package crawl

import (
	"fmt"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// BenchmarkCrawl1000Tags crawls 100 repositories of 10 tags each on the
// in-process registry behind distribution-style pagination (page size
// 50), resolving every tag by HEAD.
func BenchmarkCrawl1000Tags(b *testing.B) {
	d := &distributionPaging{}
	srv, host := newInProcess(b, d)
	p := newPushed()
	for r := range 100 {
		repo := fmt.Sprintf("bench/r%03d", r)
		img := smallImage(b)
		dg, _ := img.Digest()
		for i := range 10 {
			ref, err := name.NewTag(fmt.Sprintf("%s/%s:t%d", host, repo, i))
			if err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				err = remote.Write(ref, img)
			} else {
				err = remote.Tag(ref, img)
			}
			if err != nil {
				b.Fatal(err)
			}
			p.add(repo, ref.TagStr(), dg)
		}
	}
	reg := Registry{Name: "bench", URL: srv.URL}
	b.ResetTimer()
	for b.Loop() {
		res := crawl(b, reg, Options{PageSize: 50})
		if res.err != nil || len(res.images) != 1000 {
			b.Fatalf("%v: %d images", res.err, len(res.images))
		}
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "tags/s")
}
