package chaos_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

const secretPassword = "chaos-Registry-Pa55-7f3a91"

// TestControllerKill SIGKILLs the controller process in the middle of a
// fleet scan and restarts it on the same data directory and address, with
// the task queue in SQLite (queue.db) and in PostgreSQL. The scanner
// processes keep running through the outage. After the restart:
//   - every result stored before the kill is still there, unchanged;
//   - registries (one from the config file, one added through the API with
//     a password), API tokens of every role and the auto-scaler settings
//     are as before;
//   - the scan resumes and drains: every image ends with exactly one
//     result equal to a standalone scan, nothing failed, queued or leased;
//   - the registry password is in no log and not in clear in any state
//     file.
func TestControllerKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and pushes images")
	}
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	nImages := envInt(t, "SCANFLEET_CHAOS_CONTROLLER_IMAGES", 30)
	ns := randomNS(t, "ctlkill")
	images := pushImages(t, host, ns, nImages)
	want := expectedPackages(t, host, images)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)

	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			var extra []string
			if backend == "postgres" {
				extra = append(extra, "--queue-postgres", postgresSchema(t))
			}
			controllerKill(t, bin, host, images, want, extra)
		})
	}
}

// postgresSchema makes a schema of its own in the test server and returns
// a DSN whose search_path is it.
func postgresSchema(t *testing.T) string {
	t.Helper()
	return testutil.PostgresSchema(t, "chaos")
}

func controllerKill(t *testing.T, bin, host string, images []testImage, want map[string][]string, extra []string) {
	proxy := slowProxy(t, host, envDuration(t, "SCANFLEET_CHAOS_BLOB_DELAY", 500*time.Millisecond))
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	ns, _, _ := strings.Cut(images[0].repo, "/")
	cfgFile := filepath.Join(dir, "controller.yaml")
	cfg := fmt.Sprintf(`registries:
  - name: chaos
    url: http://%s
    filters: ["%s/**"]
autoscaler:
  strategy: disabled
  minScannerPods: 1
  maxScannerPods: 3
`, proxy, ns)
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := createTokens(t, bin, data, "admin", "scanner", "reader")
	logs := &testutil.SyncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	// --local-scanners-max gives the controller a Scaler, so that its
	// auto-scaler settings exist; the strategy is disabled, so it starts
	// no scanner of its own and this test's scanners are the fleet.
	flags := append([]string{"--config", cfgFile, "--scanner-timeout", "2s", "--lease", "20s", "--local-scanners-max", "3"}, extra...)
	ctl := startController(t, bin, data, "127.0.0.1:0", logs, flags...)
	admin := tok["admin"]

	private := api.RegistryInput{
		Registry: api.Registry{Name: "private", URL: "https://registry.invalid:5443", Username: "fleet", Filters: []string{"team/**"}},
		Password: secretPassword,
	}
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries", admin, private, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	for i := range 2 {
		startScanner(t, bin, ctl.Base, tok["scanner"], fmt.Sprintf("ck-%d", i), 2, logs)
	}
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries/chaos/scan", admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}

	type snapshot struct {
		images     map[string]imageSummary
		registries map[string]api.RegistryView
		autoscaler autoscale.Config
		done       int
	}
	snap := func(base string) snapshot {
		s := snapshot{images: map[string]imageSummary{}, registries: map[string]api.RegistryView{}}
		var ims []imageSummary
		fleettest.Do(t, "GET", base+"/api/v1/images", admin, nil, &ims)
		for _, im := range ims {
			s.images[im.Digest] = im
		}
		var regs []api.RegistryView
		fleettest.Do(t, "GET", base+"/api/v1/registries", admin, nil, &regs)
		for _, r := range regs {
			s.registries[r.Name] = r
		}
		var av api.AutoscalerView
		fleettest.Do(t, "GET", base+"/api/v1/autoscaler", admin, nil, &av)
		s.autoscaler = av.Config
		var c map[string]int
		fleettest.Do(t, "GET", base+"/api/v1/queue", admin, nil, &c)
		s.done = c["done"]
		return s
	}
	// Kill k times, spread over the scan, each while scans are in flight.
	kills := envInt(t, "SCANFLEET_CHAOS_CONTROLLER_KILLS", 1)
	var restarts []time.Duration
	for k := range kills {
		deadline := time.Now().Add(5 * time.Minute)
		for {
			var c map[string]int
			fleettest.Do(t, "GET", ctl.Base+"/api/v1/queue", admin, nil, &c)
			if c["done"] >= (k+1)*len(images)/(kills+2) && c["leased"] > 0 {
				break
			}
			if time.Now().After(deadline) || c["done"] == len(images) {
				t.Fatalf("kill %d: no scan in flight to interrupt: %v", k+1, c)
			}
			time.Sleep(time.Duration(20+rand.IntN(60)) * time.Millisecond)
		}
		before := snap(ctl.Base)
		killedAt := time.Now()
		ctl.Kill()
		// The scanners run on through the outage, failing to reach it.
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond)
		ctl = startController(t, bin, data, ctl.Addr, logs, flags...)
		restarts = append(restarts, time.Since(killedAt))

		after := snap(ctl.Base)
		if after.done < before.done {
			t.Errorf("kill %d: done tasks went from %d to %d across the restart", k+1, before.done, after.done)
		}
		for d, im := range before.images {
			if a, ok := after.images[d]; !ok {
				t.Errorf("kill %d: result of %s lost in the restart", k+1, im.Repository)
			} else if a != im && a.Scans <= im.Scans {
				t.Errorf("kill %d: result of %s changed in the restart: %+v, before %+v", k+1, im.Repository, a, im)
			}
		}
		for name, r := range before.registries {
			a := after.registries[name]
			// The crawl of the config file's registry may finish or not.
			a.LastCrawl, r.LastCrawl, a.LastError, r.LastError = nil, nil, "", ""
			if !reflect.DeepEqual(a, r) {
				t.Errorf("kill %d: registry %s after restart %+v, before %+v", k+1, name, a, r)
			}
		}
		if !after.registries["private"].PasswordSet {
			t.Errorf("kill %d: the private registry's password was lost", k+1)
		}
		wantAS := autoscale.Config{Strategy: autoscale.Disabled, MinScannerPods: 1, MaxScannerPods: 3}
		if before.autoscaler != wantAS || after.autoscaler != wantAS {
			t.Errorf("kill %d: auto-scaler settings before %+v, after %+v, want the config file's %+v", k+1, before.autoscaler, after.autoscaler, wantAS)
		}
	}
	// Tokens of every role still authenticate, with their roles.
	for _, c := range []struct {
		role, method, path string
		want               int
	}{
		{"reader", "GET", "/api/v1/images", 200},
		{"reader", "DELETE", "/api/v1/registries/private", 403},
		{"scanner", "GET", "/api/v1/queue", 200},
		{"scanner", "DELETE", "/api/v1/registries/private", 403},
		{"admin", "GET", "/api/v1/registries/private", 200},
	} {
		if code := fleettest.Do(t, c.method, ctl.Base+c.path, tok[c.role], nil, nil); code != c.want {
			t.Errorf("%s token after restart: %s %s = %d, want %d", c.role, c.method, c.path, code, c.want)
		}
	}

	// The fleet resumes by itself; a re-crawl (as the registry's interval
	// or an operator would do) must find nothing left to add.
	drainStart := time.Now()
	counts := fleettest.WaitDrained(t, ctl.Base, admin, len(images), 3*time.Minute)
	drained := time.Since(drainStart)
	if counts["done"] != len(images) || counts["failed"] != 0 {
		t.Fatalf("queue %v, want %d done and none failed", counts, len(images))
	}
	checkResults(t, ctl.Base, admin, "chaos", images, want)
	t.Logf("CHAOS controller-kill %s: images=%d kills=%d restart_p50=%v restart_max=%v drain_after_last_restart=%v lost=0 failed=0",
		t.Name(), len(images), kills, pct(restarts, 50), pct(restarts, 100), drained.Round(time.Millisecond))

	if strings.Contains(logs.String(), secretPassword) {
		t.Error("the registry password appears in a log")
	}
	files, _ := filepath.Glob(filepath.Join(data, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(secretPassword)) {
			t.Errorf("the registry password is in clear in %s", filepath.Base(f))
		}
	}
}
