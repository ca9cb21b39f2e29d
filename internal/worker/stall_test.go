package worker_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// stallingTransport is one scanner's view of a registry that stalls: every
// GET of one blob (resumes included) sends its headers and ten bytes, then
// nothing, until the client gives up.
type stallingTransport struct {
	base    http.RoundTripper
	digest  string
	once    sync.Once
	stalled chan struct{} // closed at the first stall
}

func (st *stallingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := st.base.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || !strings.HasSuffix(req.URL.Path, "/blobs/"+st.digest) {
		return resp, err
	}
	head := make([]byte, 10)
	n, _ := io.ReadFull(resp.Body, head)
	resp.Body.Close()
	st.once.Do(func() { close(st.stalled) })
	resp.Body = &silentBody{ctx: req.Context(), head: head[:n]}
	return resp, nil
}

type silentBody struct {
	ctx  context.Context
	head []byte
}

func (b *silentBody) Read(p []byte) (int, error) {
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (b *silentBody) Close() error { return nil }

// TestFleetStalledRegistry: a scanner whose registry stalls mid-blob on a
// shared base layer, while holding the fleet's claim on that layer. Its
// scan fails within the stall bound with an error naming the image, the
// registry and the blob, and hands the claim back, so a second scanner
// scans the other image sharing the layer. Before the stall bound both
// waited for ever: the first on the silent connection (its heartbeats
// kept the lease), the second on the first one's claim.
func TestFleetStalledRegistry(t *testing.T) {
	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/stall", 2)
	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 10*time.Second)
	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Filters: []string{"team/**"}}}
	addAndScan(t, base, tok, reg)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	run := func(cfg worker.Config) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg.ControllerURL, cfg.Token, cfg.Concurrency, cfg.PollInterval = base, tok, 1, 50*time.Millisecond
			cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			_ = worker.Run(ctx, cfg)
		}()
	}
	stuck := &stallingTransport{base: http.DefaultTransport, digest: images[0].base, stalled: make(chan struct{})}
	const bound = 2 * time.Second
	run(worker.Config{Name: "stuck", RegistryTransport: stuck, StallTimeout: bound})
	select {
	case <-stuck.stalled:
	case <-time.After(60 * time.Second):
		t.Fatalf("the first scanner never fetched the base layer\n%s", logs)
	}
	// The stuck scanner holds the base layer's claim now; a second one
	// takes the other image and waits on that claim.
	run(worker.Config{Name: "ok"})

	deadline := time.Now().Add(90 * time.Second)
	for {
		var ims []api.ImageSummary
		fleettest.Do(t, "GET", base+"/api/v1/images?registry=local", tok, nil, &ims)
		var queued []api.TaskView
		fleettest.Do(t, "GET", base+"/api/v1/tasks?state=queued", tok, nil, &queued)
		var stalled *api.TaskView
		for i := range queued {
			if strings.Contains(queued[i].LastError, "stalled") {
				stalled = &queued[i]
			}
		}
		if stalled != nil && len(ims) >= 1 {
			for _, s := range []string{stalled.Reference, br.host, images[0].base, "no data for " + bound.String()} {
				if !strings.Contains(stalled.LastError, s) {
					t.Errorf("task error %q does not mention %q", stalled.LastError, s)
				}
			}
			for _, im := range ims {
				if im.Reference == stalled.Reference {
					t.Errorf("the stalled image has a result: %+v", im)
				}
			}
			t.Logf("stalled task: %s", stalled.LastError)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90 s: %d image(s) scanned, stalled task %+v", len(ims), stalled)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestFleetPermanentError: an image whose manifest is gone by the time it
// is scanned (404 MANIFEST_UNKNOWN) fails at its first attempt with the
// reason, instead of being queued again for minutes of retries; the other
// images are scanned.
func TestFleetPermanentError(t *testing.T) {
	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/gone", 3)
	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 10*time.Second)
	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Filters: []string{"team/**"}}}
	addAndScan(t, base, tok, reg)
	// Let the crawl queue every image, then delete one.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var counts map[string]int
		fleettest.Do(t, "GET", base+"/api/v1/queue", tok, nil, &counts)
		if counts["queued"] == len(images) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("crawl queued %v, want %d\n%s", counts, len(images), logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	gone := images[1]
	ref, err := name.ParseReference(br.host + "/" + gone.repo + "@" + gone.digest)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Delete(ref); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Name: "w", Concurrency: 2,
			PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	defer func() { cancel(); wg.Wait() }()

	// Without the classification the gone image waits out a 30 s backoff
	// as "queued", four times over, and fails on a later attempt, which
	// the attempt check below catches; the bound only stops a hung test,
	// generous for a loaded CI machine.
	counts := fleettest.WaitDrained(t, base, tok, len(images), 3*time.Minute)
	if counts["done"] != len(images)-1 || counts["failed"] != 1 {
		t.Fatalf("queue %v, want %d done and 1 failed\n%s", counts, len(images)-1, logs)
	}
	var failed []api.TaskView
	fleettest.Do(t, "GET", base+"/api/v1/tasks?state=failed", tok, nil, &failed)
	if len(failed) != 1 {
		t.Fatalf("%d failed tasks, want 1", len(failed))
	}
	f := failed[0]
	if f.Attempts != 1 || !strings.Contains(f.Reference, gone.digest) ||
		!strings.Contains(f.LastError, gone.repo) || !strings.Contains(f.LastError, "not found") {
		t.Errorf("failed task %+v: want attempt 1 and an error naming %s and \"not found\"", f, gone.repo)
	}
	t.Logf("failed task: %s", f.LastError)
}

// TestRemoteCacheClaimWait: a lookup of a layer whose claim another scan
// holds (and keeps, as a live scanner stuck on a silent registry does)
// waits for its analysis, but not past ClaimWait: then it is a miss, so
// the caller analyses the layer itself, and the log says why.
func TestRemoteCacheClaimWait(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	// Claims live for the scanner timeout: longer than the test, so only
	// ClaimWait can end the wait.
	base, tok := newController(t, logs, 10*time.Minute)
	for _, tc := range []struct {
		name      string
		fulfil    bool // the claim holder stores its analysis after a moment
		wantFound bool
	}{
		{name: "claim held past ClaimWait", fulfil: false, wantFound: false},
		{name: "claim fulfilled within ClaimWait", fulfil: true, wantFound: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := layer.Key(all.Version(), "sha256:"+strings.Repeat(map[bool]string{false: "a", true: "b"}[tc.fulfil], 64))
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			holder := worker.NewRemoteCache(base, tok, nil, nil)
			holder.ClaimPrefix = "holder"
			hctx, unclaim := holder.WithClaims(ctx)
			defer unclaim(context.Background())
			if _, ok := holder.Get(hctx, key); ok {
				t.Fatal("an unknown layer was found")
			}
			if tc.fulfil {
				go func() {
					time.Sleep(300 * time.Millisecond)
					holder.Put(hctx, key, &layer.Analysis{})
				}()
			}
			waitLog := &testutil.SyncBuffer{}
			waiter := worker.NewRemoteCache(base, tok, nil, nil)
			waiter.ClaimPrefix = "waiter"
			waiter.ClaimWait = 20 * time.Second
			if !tc.fulfil {
				waiter.ClaimWait = time.Second
			}
			waiter.Logger = slog.New(slog.NewTextHandler(waitLog, nil))
			_, found := waiter.Get(ctx, key)
			if ctx.Err() != nil {
				t.Fatalf("the lookup waited until the test's deadline\n%s", logs)
			}
			if found != tc.wantFound {
				t.Fatalf("found = %v, want %v\n%s", found, tc.wantFound, waitLog)
			}
			gaveUp := strings.Contains(waitLog.String(), "analysing it here") && strings.Contains(waitLog.String(), key)
			if gaveUp == tc.fulfil {
				t.Errorf("log %q: want a give-up line = %v", waitLog, !tc.fulfil)
			}
		})
	}
}
