package worker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// TestLimitedPullsFleet is issue #23's limited-pulls run against the real
// registry: images across repositories of one registry limited to
// maxPulls concurrent pulls, scanned by 4 in-process scanners of
// concurrency 4 (16 slots). The fleet's scans of the registry, sampled
// from the controller's scanfleet_registry_pulls every 50 ms,
// never exceed the limit, and every image is scanned with 0 failures.
// 100 images in 10 repositories by default; SCANFLEET_LIMITED_PULLS_IMAGES
// =1000 runs the 1,000 images in 50 repositories.
func TestLimitedPullsFleet(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	images, repos, maxPulls := 100, 10, 3
	if s := os.Getenv("SCANFLEET_LIMITED_PULLS_IMAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("SCANFLEET_LIMITED_PULLS_IMAGES=%q", s)
		}
		images, repos = n, max(1, n/20)
	}
	rnd := make([]byte, 4)
	_, _ = rand.Read(rnd)
	ns := "pulls-" + hex.EncodeToString(rnd)
	pushStart := time.Now()
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		errs = make(chan error, 8)
	)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= images {
					return
				}
				img, err := random.Image(512, 1)
				if err == nil {
					var ref name.Reference
					if ref, err = name.ParseReference(fmt.Sprintf("%s/%s/app%02d:t%d", host, ns, i%repos, i), name.Insecure); err == nil {
						err = remote.Write(ref, img)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("pushing: %v", err)
	}
	t.Logf("pushed %d images in %d repositories in %v", images, repos, time.Since(pushStart).Round(time.Millisecond))

	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 30*time.Second)
	// An explicit repository list: the shared test registry's catalog
	// holds every other test's repositories too.
	var list []string
	for r := range repos {
		list = append(list, fmt.Sprintf("%s/app%02d", ns, r))
	}
	reg := api.RegistryInput{Registry: api.Registry{Name: "lim", URL: "http://" + host, Repositories: list, MaxPulls: maxPulls}}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var workers sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		workers.Wait()
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	// The sampler reads the controller's gauge of the registry's scans.
	var peak, samples atomic.Int64
	go func() {
		for ctx.Err() == nil {
			resp, err := http.Get(base + "/metrics")
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				for l := range strings.SplitSeq(string(b), "\n") {
					if v, ok := strings.CutPrefix(l, `scanfleet_registry_pulls{registry="lim"} `); ok {
						if n, err := strconv.ParseFloat(v, 64); err == nil {
							samples.Add(1)
							for p := peak.Load(); int64(n) > p && !peak.CompareAndSwap(p, int64(n)); p = peak.Load() {
							}
						}
					}
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	start := time.Now()
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/lim/scan", tok, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan registry: %d", code)
	}
	for i := range 4 {
		workers.Go(func() {
			_ = worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Name: fmt.Sprintf("s%d", i), Concurrency: 4,
				PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
		})
	}
	counts := fleettest.WaitDrained(t, base, tok, images, 15*time.Minute)
	elapsed := time.Since(start)
	if counts["done"] != images || counts["failed"] != 0 {
		t.Errorf("queue %v, want %d done and 0 failed", counts, images)
	}
	if p := peak.Load(); p > int64(maxPulls) {
		t.Errorf("%d scans of the registry at once, over its max pulls %d", p, maxPulls)
	}
	t.Logf("%d images, max pulls %d: peak %d scans at once over %d samples, %d failed, %v (%.1f images/s)",
		images, maxPulls, peak.Load(), samples.Load(), counts["failed"], elapsed.Round(time.Millisecond), float64(images)/elapsed.Seconds())
}
