package worker_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// An image whose layer cannot be read (a "gzip" layer that is garbage) in a
// registry with good images: the good ones are scanned, the bad one's task
// carries an error naming the image and the cause, and nothing hangs.
func TestFleetBadImage(t *testing.T) {
	br := newBlobRegistry(t)
	good := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/alpine", 3)
	garbage := static.NewLayer([]byte("\x1f\x8bnot really gzip, not a tar either"), types.DockerLayer)
	bad, err := mutate.AppendLayers(empty.Image, garbage)
	if err != nil {
		t.Fatal(err)
	}
	badRef := br.host + "/team/broken:1"
	r, err := name.ParseReference(badRef)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, bad); err != nil {
		t.Fatal(err)
	}

	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 10*time.Second)
	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Filters: []string{"team/**"}}}
	addAndScan(t, base, tok, reg)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Name: "w", Concurrency: 2,
			PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	defer func() { cancel(); wg.Wait() }()

	// The good images complete; the broken one waits out its retry backoff
	// with its error visible.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ims []api.ImageSummary
		fleettest.Do(t, "GET", base+"/api/v1/images?registry=local", tok, nil, &ims)
		var queued []api.TaskView
		fleettest.Do(t, "GET", base+"/api/v1/tasks?state=queued", tok, nil, &queued)
		var failed *api.TaskView
		for i := range queued {
			if queued[i].Repository == "team/broken" && queued[i].LastError != "" {
				failed = &queued[i]
			}
		}
		if len(ims) == len(good) && failed != nil {
			if !strings.Contains(failed.LastError, "team/broken") || !strings.Contains(failed.LastError, "gzip") {
				t.Fatalf("task error %q: want the image and the cause", failed.LastError)
			}
			t.Logf("task error: %s", failed.LastError)
			for _, im := range ims {
				if im.Repository == "team/broken" {
					t.Fatalf("the broken image has a result: %+v", im)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: %d/%d good images scanned, broken task %+v\n%s", len(ims), len(good), failed, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
