package chaos_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestFleetLosesNothing is issue 15's acceptance test, on SQLite and
// PostgreSQL queues: SCANFLEET_CHAOS_LOSS_IMAGES images (300) sharing
// three bases, scanned by SCANFLEET_CHAOS_LOSS_SCANNERS scanner processes
// (4) while scanners are SIGKILLed at random moments (whatever they are
// doing: downloading, writing the layer store, posting a result),
// SCANFLEET_CHAOS_LOSS_KILLS times (50), each restarted under the same
// name, and the controller is SIGKILLed SCANFLEET_CHAOS_LOSS_CONTROLLER_KILLS
// times (2), the first while its crawl runs. End state: every image has
// exactly one result, equal to a standalone scan of it; nothing queued,
// leased or failed; one task per image.
func TestFleetLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and pushes images")
	}
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	nImages := envInt(t, "SCANFLEET_CHAOS_LOSS_IMAGES", 300)
	ns := randomNS(t, "loss")
	images := pushImages(t, host, ns, nImages)
	want := expectedPackages(t, host, images)
	bin := buildBinary(t, t.TempDir())
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			var extra []string
			if backend == "postgres" {
				extra = append(extra, "--queue-postgres", postgresSchema(t))
			}
			fleetLosesNothing(t, bin, host, ns, images, want, extra)
		})
	}
}

func fleetLosesNothing(t *testing.T, bin, host, ns string, images []testImage, want map[string][]string, extra []string) {
	nKills := envInt(t, "SCANFLEET_CHAOS_LOSS_KILLS", 50)
	nCtlKills := envInt(t, "SCANFLEET_CHAOS_LOSS_CONTROLLER_KILLS", 2)
	nScanners := envInt(t, "SCANFLEET_CHAOS_LOSS_SCANNERS", 4)
	seed := uint64(envInt(t, "SCANFLEET_CHAOS_SEED", int(time.Now().UnixNano()%1e9)))
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("seed %d", seed)
	proxy := slowProxy(t, host, envDuration(t, "SCANFLEET_CHAOS_BLOB_DELAY", 150*time.Millisecond))
	data := filepath.Join(t.TempDir(), "data")
	tok := createTokens(t, bin, data, "admin", "scanner")
	admin := tok["admin"]
	logs := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	flags := append([]string{"--lease", "30s"}, extra...)
	ctl := startController(t, bin, data, "127.0.0.1:0", logs, flags...)
	reg := controller.RegistryInput{Registry: controller.Registry{Name: "loss", URL: "http://" + proxy, Filters: []string{ns + "/**"}}}
	if code := api(t, "POST", ctl.base+"/api/v1/registries", admin, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	var (
		mu   sync.Mutex
		live = map[string]*proc{}
	)
	for i := range nScanners {
		name := fmt.Sprintf("loss-%d", i)
		live[name] = startScanner(t, bin, ctl.base, tok["scanner"], name, 2, logs)
	}
	start := time.Now()
	if code := api(t, "POST", ctl.base+"/api/v1/registries/loss/scan", admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}
	// Controller kill 1: during the crawl, moments after it was accepted.
	time.Sleep(time.Duration(20+rng.IntN(200)) * time.Millisecond)
	ctl.kill()
	ctl = startController(t, bin, data, ctl.addr, logs, flags...)
	ctlKills := 1

	kills := 0
	for kills < nKills || ctlKills < nCtlKills {
		time.Sleep(time.Duration(50+rng.IntN(250)) * time.Millisecond)
		var c map[string]int
		api(t, "GET", ctl.base+"/api/v1/queue", admin, nil, &c)
		if c["queued"] == 0 && c["leased"] == 0 && c["done"] >= len(images) {
			break // drained: the fleet outran the monkey (reported below)
		}
		if ctlKills < nCtlKills && kills >= nKills/2 {
			ctl.kill()
			time.Sleep(time.Duration(rng.IntN(1000)) * time.Millisecond)
			ctl = startController(t, bin, data, ctl.addr, logs, flags...)
			ctlKills++
			continue
		}
		if kills >= nKills {
			continue
		}
		// Any scanner, busy or not: the moment is random. Not one holding
		// a task already leased 3 times, though: the queue fails a task
		// on its 5th lost lease by design (a poison image must not circle
		// forever), and a monkey that kept hitting it would test that.
		var scs []controller.Scanner
		api(t, "GET", ctl.base+"/api/v1/scanners", admin, nil, &scs)
		var leased []controller.TaskView
		api(t, "GET", ctl.base+"/api/v1/tasks?state=leased&limit=1000", admin, nil, &leased)
		worn := map[string]bool{}
		for _, tv := range leased {
			if tv.Attempts >= 3 {
				worn[tv.LeasedBy] = true
			}
		}
		name := fmt.Sprintf("loss-%d", rng.IntN(nScanners))
		if slices.ContainsFunc(scs, func(s controller.Scanner) bool { return s.Name == name && worn[s.ID] }) {
			continue
		}
		mu.Lock()
		p := live[name]
		mu.Unlock()
		p.kill()
		kills++
		// Restarted under the same name: it releases its predecessor's
		// tasks as it registers.
		np := startScanner(t, bin, ctl.base, tok["scanner"], name, 2, logs)
		mu.Lock()
		live[name] = np
		mu.Unlock()
	}
	counts := waitDrained(t, ctl.base, admin, len(images), 5*time.Minute)
	elapsed := time.Since(start)
	if kills < nKills || ctlKills < nCtlKills {
		t.Errorf("the scan drained after %d/%d scanner kills and %d/%d controller kills: raise SCANFLEET_CHAOS_BLOB_DELAY", kills, nKills, ctlKills, nCtlKills)
	}
	if counts["done"] != len(images) || counts["failed"] != 0 {
		var failed []controller.TaskView
		api(t, "GET", ctl.base+"/api/v1/tasks?state=failed", admin, nil, &failed)
		t.Fatalf("queue %v, want %d done and none failed; failed: %+v", counts, len(images), failed)
	}
	// One task per image: no duplicate was queued by the resumed crawl
	// or the result sweep.
	var done []controller.TaskView
	api(t, "GET", ctl.base+"/api/v1/tasks?state=done&limit=1000", admin, nil, &done)
	keys := map[string]bool{}
	for _, tv := range done {
		if keys[tv.Key] {
			t.Errorf("two done tasks for %s", tv.Key)
		}
		keys[tv.Key] = true
	}
	checkResults(t, ctl.base, admin, "loss", images, want)
	t.Logf("CHAOS fleet-loss %s: images=%d scanner_kills=%d controller_kills=%d time=%v lost=0 duplicates=0 failed=0 crawl_resumed=%d",
		t.Name(), len(images), kills, ctlKills, elapsed.Round(time.Millisecond), strings.Count(logs.String(), "crawl resumed"))
	if strings.Contains(logs.String(), "panic:") {
		t.Error("a process panicked")
	}
}
