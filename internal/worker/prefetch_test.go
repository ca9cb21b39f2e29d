package worker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// countingProxy forwards to a controller and counts the layer store's
// requests by kind ("POST lookup", "GET", "PUT", "DELETE"); fault, when
// set, may answer a request itself instead (true: answered).
type countingProxy struct {
	mu    sync.Mutex
	count map[string]int
	fault func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool
}

func newCountingProxy(t *testing.T, base string) (*countingProxy, string) {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	cp := &countingProxy{count: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v1/layers/") {
			kind := r.Method
			if r.URL.Path == "/api/v1/layers/lookup" {
				kind = "POST lookup"
			}
			cp.mu.Lock()
			cp.count[kind]++
			fault := cp.fault
			cp.mu.Unlock()
			if fault != nil && fault(w, r, rp) {
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return cp, srv.URL
}

// take returns the counts so far and starts again from zero.
func (cp *countingProxy) take() map[string]int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	c := cp.count
	cp.count = map[string]int{}
	return c
}

func cacheKey(n int) string {
	return layer.Key(all.Version(), fmt.Sprintf("sha256:%064x", 0xcace0000+n))
}

// newCache is a RemoteCache for base (in front of local, which may be
// nil) logging to a buffer of its own.
func newCache(base, tok, prefix string, local layer.Cache) (*worker.RemoteCache, *testutil.SyncBuffer) {
	logs := &testutil.SyncBuffer{}
	c := worker.NewRemoteCache(base, tok, nil, local)
	c.ClaimPrefix = prefix
	c.ClaimWait = time.Minute
	c.Wait = 20 * time.Millisecond
	c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	return c, logs
}

// seedLayer stores an analysis of key with entries entries, as a scan
// that analysed it does.
func seedLayer(t *testing.T, base, tok, key string, entries int) {
	t.Helper()
	c, logs := newCache(base, tok, "seed", nil)
	ctx, unclaim := c.WithClaims(t.Context())
	defer unclaim(context.Background())
	if _, ok := c.Get(ctx, key); ok {
		t.Fatalf("seeding %s: already known", key)
	}
	c.Put(ctx, key, &layer.Analysis{Entries: entries})
	if strings.Contains(logs.String(), "not stored") {
		t.Fatalf("seeding %s: %s", key, logs)
	}
}

// TestRemoteCachePrefetch: a scan looks all its layers up in one request
// (the known one served, the unknown ones claimed for it, a layer named
// twice asked once) and its layers' Gets then need no request; a second
// scan waiting on one of those claims gets the first's analysis; the
// claims of layers the first scan did not analyse (killed, failed) are
// handed back when it ends, so a third scan claims them at once instead
// of waiting for ClaimWait.
func TestRemoteCachePrefetch(t *testing.T) {
	base, tok := newController(t, io.Discard, 10*time.Minute)
	known, mine, dropped := cacheKey(1), cacheKey(2), cacheKey(3)
	seedLayer(t, base, tok, known, 5)
	proxy, pbase := newCountingProxy(t, base)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	x, xlogs := newCache(pbase, tok, "x", nil)
	xctx, xunclaim := x.WithClaims(ctx)
	x.Prefetch(xctx, []string{known, mine, dropped, mine})
	if a, ok := x.Get(xctx, known); !ok || a.Entries != 5 {
		t.Fatalf("known layer: %+v %v, want the stored analysis", a, ok)
	}
	for _, k := range []string{mine, dropped} {
		if _, ok := x.Get(xctx, k); ok {
			t.Fatalf("unknown layer %s found", k)
		}
	}
	if got := proxy.take(); got["POST lookup"] != 1 || len(got) != 1 {
		t.Fatalf("layer requests %v, want one batch lookup and nothing else\n%s", got, xlogs)
	}

	// A second scan waits on the claim on mine and gets x's analysis.
	y, ylogs := newCache(base, tok, "y", nil)
	yctx, yunclaim := y.WithClaims(ctx)
	defer yunclaim(context.Background())
	type answer struct {
		a  *layer.Analysis
		ok bool
	}
	got := make(chan answer, 1)
	go func() {
		a, ok := y.Get(yctx, mine)
		got <- answer{a, ok}
	}()
	x.Put(xctx, mine, &layer.Analysis{Entries: 9})
	if ans := <-got; !ans.ok || ans.a.Entries != 9 {
		t.Fatalf("second scan's lookup of %s: %+v %v, want x's analysis\n%s", mine, ans.a, ans.ok, ylogs)
	}

	// x ends without analysing dropped: its claim is handed back.
	xunclaim(ctx)
	z, zlogs := newCache(base, tok, "z", nil)
	zctx, zunclaim := z.WithClaims(ctx)
	defer zunclaim(context.Background())
	start := time.Now()
	if _, ok := z.Get(zctx, dropped); ok {
		t.Fatalf("%s found, want claimed for z", dropped)
	}
	if strings.Contains(zlogs.String(), "analysing it here") || time.Since(start) >= z.ClaimWait {
		t.Fatalf("z waited on x's claim until ClaimWait instead of claiming it: %s", zlogs)
	}
	z.Put(zctx, dropped, &layer.Analysis{Entries: 3})
	if strings.Contains(xlogs.String()+zlogs.String(), "not stored") {
		t.Errorf("an analysis was refused:\n%s%s", xlogs, zlogs)
	}
}

// TestRemoteCachePrefetchFaults: against a controller without the batch
// route (405) the cache looks layers up one by one, and asks for the
// batch no more; when the batch's answer is lost (the connection drops
// after the controller took the claims) each layer's first lookup takes
// the scan's own claim back instead of waiting on it.
func TestRemoteCachePrefetchFaults(t *testing.T) {
	base, tok := newController(t, io.Discard, 10*time.Minute)
	known := cacheKey(4)
	seedLayer(t, base, tok, known, 4)
	for i, tc := range []struct {
		name  string
		fault func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool
		// the layer requests of the first and the second scan (the local
		// cache answers the known layer in the second)
		first, second map[string]int
	}{
		{
			name: "older controller",
			fault: func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
				if r.URL.Path != "/api/v1/layers/lookup" {
					return false
				}
				http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
				return true
			},
			first:  map[string]int{"POST lookup": 1, "GET": 2, "PUT": 1},
			second: map[string]int{"GET": 1, "PUT": 1},
		},
		{
			name: "answer lost",
			fault: func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool {
				if r.URL.Path != "/api/v1/layers/lookup" {
					return false
				}
				forward.ServeHTTP(httptest.NewRecorder(), r) // the controller claims
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
				return true
			},
			first:  map[string]int{"POST lookup": 1, "GET": 2, "PUT": 1},
			second: map[string]int{"POST lookup": 1, "GET": 1, "PUT": 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy, pbase := newCountingProxy(t, base)
			proxy.fault = tc.fault
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			c, logs := newCache(pbase, tok, "f", layer.NewMemCache(16))
			for round, want := range []map[string]int{tc.first, tc.second} {
				unknown := cacheKey(5 + 2*i + round)
				sctx, unclaim := c.WithClaims(ctx)
				c.Prefetch(sctx, []string{known, unknown})
				start := time.Now()
				if a, ok := c.Get(sctx, known); !ok || a.Entries != 4 {
					t.Fatalf("round %d: known layer %+v %v", round, a, ok)
				}
				if _, ok := c.Get(sctx, unknown); ok {
					t.Fatalf("round %d: unknown layer found", round)
				}
				if time.Since(start) >= c.ClaimWait || strings.Contains(logs.String(), "analysing it here") {
					t.Fatalf("round %d: the scan waited on a claim of its own:\n%s", round, logs)
				}
				c.Put(sctx, unknown, &layer.Analysis{Entries: 1})
				unclaim(ctx)
				if strings.Contains(logs.String(), "not stored") {
					t.Fatalf("round %d: analysis refused:\n%s", round, logs)
				}
				if got := proxy.take(); !equalCounts(got, want) {
					t.Errorf("round %d: layer requests %v, want %v\n%s", round, got, want, logs)
				}
			}
		})
	}
}

// TestRemoteCacheBatchClaimLapsed: a layer claimed by a batch whose
// analysis comes after the claim lapsed (and another scan took the layer
// over) is not stored from the late scan, and its log names the layer and
// the claim; the other scan's analysis is the one kept.
func TestRemoteCacheBatchClaimLapsed(t *testing.T) {
	// Claims live for the scanner timeout.
	base, tok := newController(t, io.Discard, time.Second)
	key := cacheKey(9)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	slow, slowLogs := newCache(base, tok, "slow", nil)
	sctx, sunclaim := slow.WithClaims(ctx)
	defer sunclaim(context.Background())
	slow.Prefetch(sctx, []string{key})
	if _, ok := slow.Get(sctx, key); ok {
		t.Fatal("unknown layer found")
	}
	// The other scan waits for the claim to lapse, then takes it.
	other, otherLogs := newCache(base, tok, "other", nil)
	octx, ounclaim := other.WithClaims(ctx)
	defer ounclaim(context.Background())
	if _, ok := other.Get(octx, key); ok {
		t.Fatalf("layer found before anyone stored it\n%s", otherLogs)
	}
	slow.Put(sctx, key, &layer.Analysis{Entries: 1})
	logged := slowLogs.String()
	if !strings.Contains(logged, "not stored") || !strings.Contains(logged, key) || !strings.Contains(logged, "claim=slow/") {
		t.Fatalf("the lapsed claim's refusal is not named in the log: %q", logged)
	}
	other.Put(octx, key, &layer.Analysis{Entries: 2})
	check, _ := newCache(base, tok, "check", nil)
	if a, ok := check.Get(ctx, key); !ok || a.Entries != 2 {
		t.Fatalf("stored analysis %+v %v, want the scan that held the claim (entries 2)", a, ok)
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}
