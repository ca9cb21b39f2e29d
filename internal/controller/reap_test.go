package controller

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/store"
)

// TestReaperSparesScannersThroughStoreOutage: a scanner silent for longer
// than the scanner timeout is reaped on an ordinary tick, but not right
// after the reaper's own query went unanswered for a while (a database
// restart or stall, which silenced the scanners' heartbeats with it):
// then every scanner first gets a full timeout of answering store. The
// outage is set up as the protocol test makes a silent scanner, by dating
// times back rather than sleeping. On the code before the fix the reaper
// reaped the scanner after the outage too (the fleet chaos test saw every
// scanner reaped and its scans abandoned after a 6 s stall of PostgreSQL).
func TestReaperSparesScannersThroughStoreOutage(t *testing.T) {
	timeout := time.Minute
	for _, tc := range []struct {
		name string
		// lastOK is how long ago the reaper's previous query returned;
		// blindFor how long the reaper is still blind (negative: past).
		lastOK, blindFor time.Duration
		wantReaped       bool
		wantLog          string
	}{
		{name: "ordinary tick", lastOK: time.Second, wantReaped: true},
		{name: "first reap of the process", wantReaped: true},
		{name: "right after the store answered again", lastOK: 10 * time.Minute, wantReaped: false,
			wantLog: "the store did not answer the scanner reaper for a while"},
		{name: "a gap just over a quarter of the timeout", lastOK: timeout/4 + time.Second, wantReaped: false},
		{name: "still within the grace", lastOK: time.Second, blindFor: time.Second, wantReaped: false},
		{name: "the grace is over", lastOK: time.Second, blindFor: -time.Second, wantReaped: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, Config{ScannerTimeout: timeout, LeaseDuration: time.Minute})
			code, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, mustJSON(t, api.RegisterRequest{Name: "silent", Concurrency: 1}))
			var reg api.RegisterResponse
			if err := json.Unmarshal(body, &reg); err != nil || code != http.StatusCreated {
				t.Fatalf("register: %d %s", code, body)
			}
			if ok, err := f.c.store.TouchScanner(ctx, reg.ID, time.Now().Add(-2*timeout)); err != nil || !ok {
				t.Fatalf("dating the scanner's last heartbeat back: %v, %v", ok, err)
			}
			now := time.Now()
			f.c.reap = reapSight{}
			if tc.lastOK > 0 {
				f.c.reap.lastOK = now.Add(-tc.lastOK)
			}
			if tc.blindFor != 0 {
				f.c.reap.blindUntil = now.Add(tc.blindFor)
			}
			if err := f.c.reapScanners(ctx); err != nil {
				t.Fatal(err)
			}
			active, err := f.c.store.ListScanners(ctx, store.ScannerFilter{State: store.ScannerActive})
			if err != nil {
				t.Fatal(err)
			}
			if reaped := len(active) == 0; reaped != tc.wantReaped {
				t.Errorf("scanner reaped: %v, want %v (reaper %+v)", reaped, tc.wantReaped, f.c.reap)
			}
			if tc.wantLog != "" && !strings.Contains(f.logs.String(), tc.wantLog) {
				t.Errorf("log lacks %q:\n%s", tc.wantLog, f.logs)
			}
		})
	}
}
