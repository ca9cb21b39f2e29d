package worker_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// TestRemoteCacheClaimWaitTransientError: a lookup waiting for another
// scan's claim that gets a 5xx or 429 from a busy controller keeps
// waiting (within ClaimWait) and is served the holder's analysis; it
// used to take the error for "unknown, claimed by us" and download the
// layer a second time (the rare TestRemoteCacheClaimWait failure on a
// loaded machine, found = false). A refusal (4xx) still ends the wait
// at once, as a miss.
func TestRemoteCacheClaimWaitTransientError(t *testing.T) {
	base, tok := newController(t, io.Discard, 10*time.Minute)
	for i, tc := range []struct {
		name      string
		status    int
		wantFound bool
	}{
		{"500 while waiting", http.StatusInternalServerError, true},
		{"429 while waiting", http.StatusTooManyRequests, true},
		{"403 while waiting", http.StatusForbidden, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The waiter's second lookup (its first after seeing the
			// claim) is answered with the fault instead of the controller.
			target, err := url.Parse(base)
			if err != nil {
				t.Fatal(err)
			}
			rp := httputil.NewSingleHostReverseProxy(target)
			var lookups atomic.Int32
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/layers/") && lookups.Add(1) == 2 {
					http.Error(w, "injected", tc.status)
					return
				}
				rp.ServeHTTP(w, r)
			}))
			defer proxy.Close()

			key := layer.Key(all.Version(), "sha256:"+strings.Repeat(string(rune('c'+i)), 64))
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			holder := worker.NewRemoteCache(base, tok, nil, nil)
			holder.ClaimPrefix = "holder"
			hctx, unclaim := holder.WithClaims(ctx)
			defer unclaim(context.Background())
			if _, ok := holder.Get(hctx, key); ok {
				t.Fatal("an unknown layer was found")
			}
			waiter := worker.NewRemoteCache(proxy.URL, tok, nil, nil)
			waiter.ClaimPrefix = "waiter"
			waiter.ClaimWait = time.Minute
			// The holder stores its analysis only once the waiter has had
			// its fault: what the waiter then finds, it found by waiting.
			go func() {
				for lookups.Load() < 3 && hctx.Err() == nil {
					time.Sleep(10 * time.Millisecond)
				}
				holder.Put(hctx, key, &layer.Analysis{})
			}()
			_, found := waiter.Get(ctx, key)
			if ctx.Err() != nil {
				t.Fatal("the lookup waited until the test's deadline")
			}
			if found != tc.wantFound {
				t.Fatalf("found = %v, want %v (%d lookups)", found, tc.wantFound, lookups.Load())
			}
		})
	}
}
