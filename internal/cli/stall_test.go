package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/source"
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

// TestStallFlag: --stall-timeout 0 (or less) means no bound, which
// source.Options spells as a negative value; unset, the default bound.
func TestStallFlag(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    time.Duration
		wantErr bool
	}{
		{nil, source.DefaultStallTimeout, false},
		{[]string{"--stall-timeout", "5s"}, 5 * time.Second, false},
		{[]string{"--stall-timeout", "0"}, -1, false},
		{[]string{"--stall-timeout", "-3s"}, -1, false},
		{[]string{"--stall-timeout", "soon"}, 0, true},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
			var d time.Duration
			cmdio.BindStallFlag(fl, &d)
			err := fl.Parse(tc.args)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Parse(%q) = %v, want error %v", tc.args, err, tc.wantErr)
			}
			if err == nil && d != tc.want {
				t.Errorf("--stall-timeout %q gives %v, want %v", tc.args, d, tc.want)
			}
		})
	}
}
