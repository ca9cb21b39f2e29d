package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// scanThrough starts a controller with a registry of one image, and a
// scanner logging to logs (debug level) that talks to it through the
// handler proxy makes of a reverse proxy to the controller. It returns
// once the queue has drained and the scanner has the answer to its
// result.
func scanThrough(t *testing.T, logs *testutil.SyncBuffer, proxy func(rp http.Handler) http.Handler) {
	t.Helper()
	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/alpine", 1)
	ctlLogs := &testutil.SyncBuffer{}
	// A 2 s scanner timeout: heartbeats every half second.
	base, tok := newController(t, ctlLogs, 2*time.Second)
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(proxy(httputil.NewSingleHostReverseProxy(target)))
	defer srv.Close()
	addAndScan(t, base, tok, api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Filters: []string{"team/**"}}})

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = worker.Run(ctx, worker.Config{ControllerURL: srv.URL, Token: tok, Name: "w", PollInterval: 50 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	}()
	defer func() { cancel(); wg.Wait() }()
	// The bound only stops a hung test.
	if counts := fleettest.WaitDrained(t, base, tok, len(images), 3*time.Minute); counts["done"] != len(images) {
		t.Fatalf("queue %v, want %d done\nscanner:\n%s\ncontroller:\n%s", counts, len(images), logs, ctlLogs)
	}
	// The queue drains as the result is stored: the scanner hears of it
	// later.
	waitLog(logs.String, "msg=scanned", `msg="posting result"`)
}

// relay answers w with rec's answer.
func relay(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// waitLog waits (bounded, generously) until the log holds one of lines.
func waitLog(logs func() string, lines ...string) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		for _, l := range lines {
			if strings.Contains(logs(), l) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHeartbeatCrossingResultIsNoLostLease: a heartbeat the controller
// answers after it stored the task's result names the task as no longer
// the scanner's; arriving before the result's own answer, that is no
// lost lease and the scanner must not say "lease lost; abandoning scan".
// The proxy makes the race certain: it holds the result's answer until
// the heartbeat sent meanwhile has been answered and the scanner has
// logged what it made of it. On the code before the fix the scanner
// logged the lost lease.
func TestHeartbeatCrossingResultIsNoLostLease(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	var (
		mu      sync.Mutex
		stored  bool                  // the result reached the controller
		crossed = make(chan struct{}) // a heartbeat was answered after it
		once    sync.Once
	)
	scanThrough(t, logs, func(rp http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/result"):
				rec := httptest.NewRecorder()
				rp.ServeHTTP(rec, r)
				if rec.Code/100 == 2 {
					mu.Lock()
					stored = true
					mu.Unlock()
					select {
					case <-crossed:
					case <-time.After(time.Minute): // the log check below fails
					}
				}
				relay(w, rec)
			case strings.HasSuffix(r.URL.Path, "/heartbeat"):
				mu.Lock()
				after := stored
				mu.Unlock()
				rec := httptest.NewRecorder()
				rp.ServeHTTP(rec, r)
				var hb api.HeartbeatResponse
				_ = json.Unmarshal(rec.Body.Bytes(), &hb)
				relay(w, rec)
				if after && len(hb.Lost) > 0 {
					// The result's answer goes once the scanner has
					// made something of this one.
					go func() {
						waitLog(logs.String, "lease lost; abandoning scan", "heartbeat answer crossed the posting")
						once.Do(func() { close(crossed) })
					}()
				}
			default:
				rp.ServeHTTP(w, r)
			}
		})
	})
	out := logs.String()
	if strings.Contains(out, "lease lost; abandoning scan") {
		t.Errorf("the scanner took a heartbeat crossing its own result for a lost lease:\n%s", out)
	}
	if !strings.Contains(out, "heartbeat answer crossed the posting of the task's outcome") {
		t.Errorf("no heartbeat crossed the result (the test did not make the race):\n%s", out)
	}
	if !strings.Contains(out, "msg=scanned") {
		t.Errorf("the scanner did not log its scan done:\n%s", out)
	}
}

// TestScannerNamesUnavailableDatabase: while the controller answers 503
// for a database it cannot reach (the answer is made by the controller's
// own error mapping), the scanner logs the class of failure the answer
// names for its lease and its result post, waits the Retry-After before
// posting again (rather than the first 250 ms of its backoff), and
// delivers the result once the controller answers again. Before, the
// controller answered 500 "internal error" and the scanner could log
// nothing more.
func TestScannerNamesUnavailableDatabase(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	var mu sync.Mutex
	refused := map[string]bool{} // "lease", "result": answered 503 once
	unavailable := func(w http.ResponseWriter) {
		web.Fail(w, slog.New(slog.DiscardHandler), fmt.Errorf("store: token by hash: %w", syscall.ECONNREFUSED), "request failed")
	}
	scanThrough(t, logs, func(rp http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			what := ""
			switch {
			case strings.HasSuffix(r.URL.Path, "/lease"):
				what = "lease"
			case strings.HasSuffix(r.URL.Path, "/result"):
				what = "result"
			}
			mu.Lock()
			first := what != "" && !refused[what]
			refused[what] = true
			mu.Unlock()
			if first {
				unavailable(w)
				return
			}
			rp.ServeHTTP(w, r)
		})
	})
	out := logs.String()
	for _, want := range []string{
		`msg="lease failed: the controller's database is unavailable" scanner=`,
		`msg="controller unavailable; retrying: the controller's database is unavailable" scanner=`,
		`cause="connection refused"`,
		`post=result retry_in=2s cause="connection refused"`,
		"msg=scanned",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the scanner's log lacks %q:\n%s", want, out)
		}
	}
}
