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

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// tooManyOnce answers the first manifest GET with 429 and Retry-After,
// as Docker Hub does at its pull limit, then passes requests through.
type tooManyOnce struct {
	base http.RoundTripper
	once sync.Once
}

func (t *tooManyOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	limited := false
	if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/manifests/") {
		t.once.Do(func() { limited = true })
	}
	if limited {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Retry-After": {"1"}, "Content-Type": {"application/json"}}, Request: req,
			Body: io.NopCloser(strings.NewReader(`{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit"}]}`))}, nil
	}
	return t.base.RoundTrip(req)
}

// TestFleetReportsRateLimit: a scanner meeting a 429 reports it to the
// controller, which pauses the registry for the fleet (counted in the
// metrics, logged), and the scan itself still completes after honouring
// Retry-After (issue #23).
func TestFleetReportsRateLimit(t *testing.T) {
	br := newBlobRegistry(t)
	pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/limited", 1)
	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 10*time.Second)
	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Filters: []string{"team/**"}}}
	addAndScan(t, base, tok, reg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Concurrency: 1, PollInterval: 50 * time.Millisecond, Name: "s",
			RegistryTransport: &tooManyOnce{base: http.DefaultTransport},
			Logger:            slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		var ims []api.ImageSummary
		fleettest.Do(t, "GET", base+"/api/v1/images?registry=local", tok, nil, &ims)
		if len(ims) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the image was not scanned within 90 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `scanfleet_registry_rate_limited_total{registry="local"} 1`) {
		t.Errorf("metrics do not count the 429:\n%s", grepLines(string(body), "scanfleet_registry"))
	}
	if !strings.Contains(logs.String(), "new scans of it paused for the fleet") {
		t.Errorf("the controller did not log the pause")
	}
}

func grepLines(s, sub string) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
