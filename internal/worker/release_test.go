package worker_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// TestWorkerReleasesOnCancel stops a worker (as SIGTERM does) while it
// downloads a layer: Run returns cleanly, the task is back in the queue at
// once (no lease timeout to wait for), and another worker then scans it.
func TestWorkerReleasesOnCancel(t *testing.T) {
	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.19.4-x86_64.tar.gz", "team/one", 1)
	br.mu.Lock()
	br.slow, br.delay = images[0].extra, time.Minute
	br.mu.Unlock()

	// A long scanner timeout: only the release can return the task quickly.
	base, tok := newController(t, io.Discard, time.Hour)
	reg := api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + br.host}}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/r/scan", tok, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Name: "first", PollInterval: 50 * time.Millisecond})
	}()
	select {
	case <-br.slowed:
	case <-time.After(30 * time.Second):
		t.Fatal("worker never reached the slow layer")
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	var counts map[string]int
	fleettest.Do(t, "GET", base+"/api/v1/queue", tok, nil, &counts)
	if counts["queued"] != 1 || counts["leased"] != 0 {
		t.Fatalf("after release: %v, want the task queued", counts)
	}
	var scs []api.Scanner
	fleettest.Do(t, "GET", base+"/api/v1/scanners", tok, nil, &scs)
	if len(scs) != 1 || scs[0].State != api.ScannerStopped || scs[0].Done != 0 {
		t.Errorf("scanners after release: %+v", scs)
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go func() {
		errc <- worker.Run(ctx2, worker.Config{ControllerURL: base, Token: tok, Name: "second", PollInterval: 50 * time.Millisecond})
	}()
	fleettest.WaitDrained(t, base, tok, 1, 30*time.Second)
	cancel2()
	if err := <-errc; err != nil {
		t.Errorf("second worker: %v", err)
	}
	var list []api.ImageSummary
	fleettest.Do(t, "GET", base+"/api/v1/images", tok, nil, &list)
	if len(list) != 1 || list[0].Scans != 1 || list[0].Digest != images[0].digest || list[0].Packages == 0 {
		t.Errorf("images: %+v", list)
	}
}
