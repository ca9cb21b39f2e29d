package worker_test

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

const secretPassword = "s3cret-Registry-Pa55"

// TestFleetInProcess runs a controller and three workers against a
// registry of 30 images built as variants of four real root filesystems:
// every image is scanned exactly once, each result has the packages a
// standalone scan finds, and each shared base layer blob is downloaded
// once for the whole fleet.
func TestFleetInProcess(t *testing.T) {
	br := newBlobRegistry(t)
	var images []pushed
	for _, b := range []struct {
		rootfs, repo string
		n            int
	}{
		{"alpine-minirootfs-3.18.9-x86_64.tar.gz", "team/alpine318", 8},
		{"alpine-minirootfs-3.19.4-x86_64.tar.gz", "team/alpine319", 8},
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/alpine320", 8},
		{"debian-bookworm-minbase.tar.gz", "team/debian", 6},
	} {
		images = append(images, pushVariants(t, br, b.rootfs, b.repo, b.n)...)
	}
	br.reset()

	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 10*time.Second)
	reg := api.RegistryInput{
		Registry: api.Registry{Name: "local", URL: "http://" + br.host, Username: "fleet", Filters: []string{"team/**"}},
		Password: secretPassword,
	}
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
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = worker.Run(ctx, worker.Config{
				ControllerURL: base, Token: tok, Name: "w" + string(rune('a'+i)), Concurrency: 2,
				PollInterval: 50 * time.Millisecond,
				Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
		}()
	}
	counts := fleettest.WaitDrained(t, base, tok, len(images), 150*time.Second)
	cancel()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("worker %d: %v", i, err)
		}
	}
	if counts["done"] != len(images) || counts["failed"] != 0 {
		t.Fatalf("queue counts %v, want %d done", counts, len(images))
	}

	// Each base layer blob was fetched once by the whole fleet.
	bases := map[string]bool{}
	for _, im := range images {
		bases[im.base] = true
	}
	for b := range bases {
		if n := br.blobGets(b); n != 1 {
			t.Errorf("base layer %s fetched %d times, want 1", b, n)
		}
	}

	var list []api.ImageSummary
	if code := fleettest.Do(t, "GET", base+"/api/v1/images?registry=local", tok, nil, &list); code != 200 {
		t.Fatalf("list images: %d", code)
	}
	if len(list) != len(images) {
		t.Fatalf("%d images listed, want %d", len(list), len(images))
	}
	byDigest := map[string]api.ImageSummary{}
	for _, im := range list {
		if im.Scans != 1 {
			t.Errorf("%s scanned %d times to completion, want 1", im.Reference, im.Scans)
		}
		byDigest[im.Digest] = im
	}

	// Results equal a standalone scan of the same image.
	standalone := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority, Cache: layer.NewMemCache(0)}
	for _, im := range images {
		if _, ok := byDigest[im.digest]; !ok {
			t.Errorf("%s:%s (%s) missing from results", im.repo, im.tag, im.digest)
			continue
		}
		var got report.Report
		if code := fleettest.Do(t, "GET", base+"/api/v1/images/"+im.digest, tok, nil, &got); code != 200 {
			t.Fatalf("get image %s: %d", im.digest, code)
		}
		ref := br.host + "/" + im.repo + "@" + im.digest
		src, err := source.Open(context.Background(), ref, source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := standalone.Scan(context.Background(), scan.Target{Image: src.Image, Reference: src.Reference}, scan.Options{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Packages) == 0 {
			t.Fatalf("standalone scan of %s found no packages", ref)
		}
		if g, w := pkgSet(got.Packages), pkgSet(want.Packages); !slices.Equal(g, w) {
			t.Errorf("%s: fleet found %d packages, standalone %d", ref, len(g), len(w))
		}
		if got.OS == nil || want.OS == nil || got.OS.ID != want.OS.ID || got.OS.VersionID != want.OS.VersionID {
			t.Errorf("%s: OS %+v, standalone %+v", ref, got.OS, want.OS)
		}
	}

	// Filters: by repository.
	var deb []api.ImageSummary
	fleettest.Do(t, "GET", base+"/api/v1/images?repository=team/debian", tok, nil, &deb)
	if len(deb) != 6 {
		t.Errorf("repository filter: %d images, want 6", len(deb))
	}

	// A re-crawl with the same DB enqueues nothing.
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/local/scan", tok, nil, nil); code != http.StatusAccepted {
		t.Fatalf("rescan: %d", code)
	}
	waitCrawled(t, base, tok, "local")
	var after map[string]int
	fleettest.Do(t, "GET", base+"/api/v1/queue", tok, nil, &after)
	if after["queued"] != 0 || after["done"] != len(images) {
		t.Errorf("after re-crawl: %v, want nothing new", after)
	}

	if strings.Contains(logs.String(), secretPassword) {
		t.Error("registry password appears in the logs")
	}
}

func waitCrawled(t *testing.T, base, tok, name string) {
	t.Helper()
	start := time.Now()
	// A crawl reads the whole _catalog before it is recorded, and a
	// registry shared with other tests (a developer machine's holds tens
	// of thousands of repositories after a day of test runs: 13 s of
	// catalog paging at load 30) makes that slow; after a controller
	// restart a taken-over crawl runs first. The bound is generous for
	// that, not a measure of speed.
	for time.Since(start) < 3*time.Minute {
		var v api.RegistryView
		fleettest.Do(t, "GET", base+"/api/v1/registries/"+name, tok, nil, &v)
		if v.LastCrawl != nil && v.LastCrawl.After(start.Add(-time.Second)) {
			// last_crawl is the crawl's start; wait for it to be recorded
			// after it ends by polling once more.
			time.Sleep(200 * time.Millisecond)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("crawl not recorded")
}

func pkgSet(ps []report.Package) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Type+"/"+p.Name+"@"+p.Version+" "+p.Layer)
	}
	slices.Sort(out)
	return out
}
