package cli

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
)

// outageController answers the requests down picks (by path and how
// many requests the path has had, counting this one) as the controller
// does while its database refuses connections (through the controller's
// own error mapping), the others as a controller whose registry r was
// crawled and has nothing left in its queue.
type outageController struct {
	down func(path string, n int) bool

	mu    sync.Mutex
	calls map[string]int
}

func (oc *outageController) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	oc.mu.Lock()
	oc.calls[r.URL.Path]++
	n := oc.calls[r.URL.Path]
	oc.mu.Unlock()
	if oc.down(r.URL.Path, n) {
		web.Fail(w, slog.New(slog.DiscardHandler), fmt.Errorf("store: token by hash: %w", syscall.ECONNREFUSED), "token lookup")
		return
	}
	enc := json.NewEncoder(w)
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/registries/r/scan":
		w.WriteHeader(http.StatusAccepted)
		_ = enc.Encode(map[string]any{"registry": "r", "started": true})
	case r.URL.Path == "/api/v1/registries/r":
		crawl := time.Now().UTC().Add(time.Minute)
		_ = enc.Encode(api.RegistryView{Registry: api.Registry{Name: "r", URL: "http://x"}, LastCrawl: &crawl})
	case r.URL.Path == "/api/v1/tasks":
		_ = enc.Encode([]api.TaskView{})
	case r.URL.Path == "/api/v1/images":
		_ = enc.Encode([]api.ImageSummary{})
	default:
		http.NotFound(w, r)
	}
}

// TestCLINamesUnavailableDatabase: the CLI prints the class of failure
// the controller's 503 names, with its Retry-After, and 'registry scan
// --wait' waits an outage out (within its --timeout) instead of ending
// the wait. Before, the controller answered 500 "internal error" and the
// wait ended at the first failed request.
func TestCLINamesUnavailableDatabase(t *testing.T) {
	for _, tc := range []struct {
		name     string
		down     func(path string, n int) bool
		args     []string
		wantCode int
		want     string
	}{
		{name: "a listing", down: func(string, int) bool { return true }, args: []string{"images"}, wantCode: ExitError,
			want: "GET /api/v1/images: HTTP 503 Service Unavailable: the control-plane database is unavailable: connection refused (retry after 2s)"},
		{name: "a wait through an outage", args: []string{"registry", "scan", "r", "--wait", "--timeout", "2m"}, wantCode: 0,
			// The registry is read before the scan request, and again
			// by the wait, whose first look meets the outage.
			down: func(path string, n int) bool { return path == "/api/v1/registries/r" && n == 2 },
			want: "registry r: the controller's database is unavailable (connection refused); asking again in 2s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			oc := &outageController{down: tc.down, calls: map[string]int{}}
			srv := httptest.NewServer(oc)
			t.Cleanup(srv.Close)
			r := runCLI(t, map[string]string{"SCANFLEET_CONTROLLER": srv.URL, "SCANFLEET_TOKEN": "t"}, tc.args...)
			if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, want %d, and stderr lacks %q:\n%s", r.code, tc.wantCode, tc.want, r.stderr)
			}
		})
	}
}
