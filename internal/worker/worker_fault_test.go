package worker_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// A controller that cannot take results for a while (restarting,
// overloaded: here it answers 503 to the first posts and then refuses
// connections' worth of 502s) must not cost a rescan: the scanner keeps the
// finished report, keeps heartbeating the task and delivers it when the
// controller is back. Each task is leased exactly once.
func TestWorkerRetriesResultPost(t *testing.T) {
	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/alpine", 3)
	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 10*time.Second)

	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	refused := map[string]int{} // result path -> posts refused
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/result") {
			mu.Lock()
			n := refused[r.URL.Path]
			if n < 3 {
				refused[r.URL.Path]++
			}
			mu.Unlock()
			switch n {
			case 0, 1:
				http.Error(w, "controller restarting", http.StatusServiceUnavailable)
				return
			case 2:
				http.Error(w, "bad gateway", http.StatusBadGateway)
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Filters: []string{"team/**"}}}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/local/scan", tok, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = worker.Run(ctx, worker.Config{ControllerURL: proxy.URL, Token: tok, Name: "w", Concurrency: 2,
			PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	defer func() { cancel(); wg.Wait() }()

	// A dropped result would show as a second lease of its task (after the
	// 30 s lease), checked below; the bound only stops a hung test, and
	// is generous for a loaded CI machine.
	counts := fleettest.WaitDrained(t, base, tok, len(images), 3*time.Minute)
	if counts["done"] != len(images) {
		t.Fatalf("queue %v, want %d done\n%s", counts, len(images), logs)
	}
	var done []api.TaskView
	fleettest.Do(t, "GET", base+"/api/v1/tasks?state=done", tok, nil, &done)
	for _, tv := range done {
		if tv.Attempts != 1 {
			t.Errorf("task %s leased %d times, want 1", tv.Reference, tv.Attempts)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(refused) != len(images) {
		t.Errorf("%d result paths refused, want %d", len(refused), len(images))
	}
	for p, n := range refused {
		if n != 3 {
			t.Errorf("%s refused %d times, want 3", p, n)
		}
	}
}
