package source

import (
	"sync"
	"testing"

	"github.com/scanfleet/scanfleet/internal/source/imagetest"
)

// TestRateLimitedReported: every 429 a registry answers is reported
// through Options.RateLimited with the host and the Retry-After header,
// before the retry that then succeeds (the scanner worker forwards it to
// the controller, which pauses the registry for the fleet).
func TestRateLimitedReported(t *testing.T) {
	host, _ := flakyServer(t, []int{429, 429})
	var (
		mu  sync.Mutex
		got []string
	)
	img := mustOpen(t, host+"/team/app:1", Options{RateLimited: func(h, retryAfter string) {
		mu.Lock()
		got = append(got, h+" "+retryAfter)
		mu.Unlock()
	}})
	if err := imagetest.ReadLayers(img); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != host+" 1" || got[1] != host+" 1" {
		t.Errorf("RateLimited calls = %q, want two of %q", got, host+" 1")
	}
}
