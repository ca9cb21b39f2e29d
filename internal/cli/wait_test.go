package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/queue"
)

// stuckController answers 'registry scan --wait' with a crawl that
// finished and one task that stays queued, and the auto-scaler view given.
type stuckController struct {
	mu      sync.Mutex
	crawled bool
	crawl   time.Time
	scaler  *api.AutoscalerView // nil: 404, as an older controller
}

func (sc *stuckController) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	enc := json.NewEncoder(w)
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v1/registries/r":
		v := api.RegistryView{Registry: api.Registry{Name: "r", URL: "http://x"}}
		if sc.crawled {
			v.LastCrawl = &sc.crawl
		}
		_ = enc.Encode(v)
	case r.Method == "POST" && r.URL.Path == "/api/v1/registries/r/scan":
		sc.crawled = true
		w.WriteHeader(http.StatusAccepted)
		_ = enc.Encode(map[string]any{"registry": "r", "started": true})
	case r.URL.Path == "/api/v1/tasks":
		out := []api.TaskView{}
		if queue.State(r.URL.Query().Get("state")) == queue.StateQueued {
			out = append(out, api.TaskView{ID: "q", State: queue.StateQueued, Registry: "r"})
		}
		_ = enc.Encode(out)
	case r.URL.Path == "/api/v1/images":
		_ = enc.Encode([]api.ImageSummary{})
	case r.URL.Path == "/api/v1/autoscaler" && sc.scaler != nil:
		_ = enc.Encode(sc.scaler)
	default:
		http.NotFound(w, r)
	}
}

// TestScanWaitExplainsAutoscaler: with the delayed strategy, 'registry
// scan --wait' used to show "queued 1 leased 0" with no word of why.
func TestScanWaitExplainsAutoscaler(t *testing.T) {
	crawl := time.Now().UTC().Truncate(time.Second)
	zero, two := 0, 2
	at := crawl.Add(autoscale.DefaultScaleUpAfter + autoscale.DefaultInterval).Local().Format(time.TimeOnly)
	tests := []struct {
		name   string
		scaler *api.AutoscalerView
		want   string
	}{
		{"delayed, no scanner yet", &api.AutoscalerView{Enabled: true, Replicas: &zero,
			Config: autoscale.Config{Strategy: autoscale.Delayed, MaxScannerPods: 2}},
			"waiting for the auto-scaler: its delayed strategy adds a scanner once tasks have waited 1m30s, about " + at + " (0 of at most 2 running)"},
		{"disabled", &api.AutoscalerView{Enabled: true, Replicas: &zero,
			Config: autoscale.Config{Strategy: autoscale.Disabled, MaxScannerPods: 2}},
			"the auto-scaler is disabled (0 scanners running)"},
		{"at its maximum", &api.AutoscalerView{Enabled: true, Replicas: &two,
			Config: autoscale.Config{Strategy: autoscale.Immediate, MaxScannerPods: 2},
			Events: []autoscale.Event{{Time: crawl.Add(time.Second), Reason: "queue non-empty"}}},
			"all 2 scanners (the auto-scaler's maximum) are starting or busy; last auto-scaler event"},
		{"no auto-scaler", &api.AutoscalerView{}, "this controller starts none itself"},
		{"older controller", nil, "queued 1  leased 0  done 0  failed 0\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(&stuckController{crawl: crawl, scaler: tc.scaler})
			t.Cleanup(srv.Close)
			r := runCLI(t, map[string]string{"SCANFLEET_CONTROLLER": srv.URL, "SCANFLEET_TOKEN": "t"}, "registry", "scan", "r", "--wait", "--timeout", "1500ms")
			if r.code != ExitError {
				t.Errorf("exit %d, want %d (the wait times out)", r.code, ExitError)
			}
			if !strings.Contains(r.stderr, "registry r: queued 1  leased 0") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}
