package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestScanStallTimeout: a registry that accepts connections and then
// says nothing fails 'scan' with --stall-timeout's bound, naming the
// image, the registry and the stall, well before --timeout, instead of
// hanging until it.
func TestScanStallTimeout(t *testing.T) {
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer silent.Close()
	host := strings.TrimPrefix(silent.URL, "http://")
	ref := host + "/team/app:1"
	r := runCLI(t, nil, "scan", "--skip-db", "-q", "--stall-timeout", "1s", "--timeout", "5m", ref)
	if r.code != ExitError {
		t.Fatalf("exit %d, want %d; stderr %q", r.code, ExitError, r.stderr)
	}
	for _, s := range []string{ref, "registry " + host + " stalled", "within 1s"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr %q lacks %q", r.stderr, s)
		}
	}
	if strings.Contains(r.stderr, "deadline exceeded") {
		t.Errorf("the scan ran into --timeout: %q", r.stderr)
	}
}
