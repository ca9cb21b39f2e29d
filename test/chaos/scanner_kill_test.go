package chaos_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// killRecord is one SIGKILL and how the fleet recovered from it.
type killRecord struct {
	tasks []string // tasks the victim held
	// returned: until none of its tasks was held by the dead scanner any
	// more (the controller noticed the silence); resumed: until each was
	// leased by another scanner or done.
	returned, resumed time.Duration
	err               error
}

// TestScannerKills scans a registry of SCANFLEET_CHAOS_IMAGES images (60)
// with SCANFLEET_CHAOS_SCANNERS scanner processes (4) while SIGKILLing a
// busy scanner at random intervals, SCANFLEET_CHAOS_KILLS times (15), each
// replaced by a fresh process. Every image must end with exactly one
// result equal to a standalone scan of it, the queue must drain with
// nothing failed, queued or leased, and each killed scanner's tasks must
// come back and be taken again. Recovery times are logged (the figures of
// docs/reliability.md), not asserted.
//
// Victims are chosen among scanners whose tasks have been leased at most
// 3 times: the queue fails a task after its 5th lost lease by design (an
// image that kills every scanner touching it must not circle forever), so
// a monkey that kept hitting the same image would test that rule instead.
func TestScannerKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and pushes images")
	}
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	nImages := envInt(t, "SCANFLEET_CHAOS_IMAGES", 60)
	nKills := envInt(t, "SCANFLEET_CHAOS_KILLS", 15)
	nScanners := envInt(t, "SCANFLEET_CHAOS_SCANNERS", 4)
	blobDelay := envDuration(t, "SCANFLEET_CHAOS_BLOB_DELAY", time.Second)
	seed := uint64(envInt(t, "SCANFLEET_CHAOS_SEED", int(time.Now().UnixNano()%1e9)))
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("seed %d (SCANFLEET_CHAOS_SEED=%d reproduces the kill schedule's randomness)", seed, seed)

	ns := randomNS(t, "chaos")
	start := time.Now()
	images := pushImages(t, host, ns, nImages)
	t.Logf("pushed %d images in %v", len(images), time.Since(start).Round(time.Millisecond))
	want := expectedPackages(t, host, images)
	proxy := slowProxy(t, host, blobDelay)

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	data := tmp + "/data"
	tok := createTokens(t, bin, data, "admin", "scanner")
	logs := &testutil.SyncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	ctl := startController(t, bin, data, "127.0.0.1:0", logs, "--scanner-timeout", "1s", "--lease", "60s")
	reg := api.RegistryInput{Registry: api.Registry{Name: "chaos", URL: "http://" + proxy, Filters: []string{ns + "/**"}}}
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries", tok["admin"], reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}

	var (
		mu      sync.Mutex
		live    = map[string]*fleettest.Proc{} // by scanner name
		started int
	)
	spawn := func() {
		mu.Lock()
		started++
		name := fmt.Sprintf("chaos-%03d", started)
		mu.Unlock()
		p := startScanner(t, bin, ctl.Base, tok["scanner"], name, 2, logs)
		mu.Lock()
		live[name] = p
		mu.Unlock()
	}
	for range nScanners {
		spawn()
	}
	scanStart := time.Now()
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries/chaos/scan", tok["admin"], nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}

	var (
		kills []*killRecord
		wg    sync.WaitGroup
	)
	for len(kills) < nKills {
		time.Sleep(time.Duration(100+rng.IntN(500)) * time.Millisecond)
		var counts map[string]int
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/queue", tok["admin"], nil, &counts)
		if counts["queued"] == 0 && counts["leased"] == 0 && counts["done"] > 0 {
			t.Fatalf("the scan finished after %d of %d kills: raise SCANFLEET_CHAOS_BLOB_DELAY (now %v) or the image count", len(kills), nKills, blobDelay)
		}
		var scs []api.Scanner
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/scanners", tok["admin"], nil, &scs)
		var leased []api.TaskView
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/tasks?state=leased&limit=1000", tok["admin"], nil, &leased)
		attempts := map[string]int{}
		for _, tv := range leased {
			attempts[tv.ID] = tv.Attempts
		}
		var candidates []api.Scanner
		mu.Lock()
		for _, s := range scs {
			if _, ok := live[s.Name]; !ok || s.State != api.ScannerActive || len(s.CurrentTasks) == 0 {
				continue
			}
			if !slices.ContainsFunc(s.CurrentTasks, func(id string) bool { return attempts[id] > queue.DefaultMaxAttempts-2 }) {
				candidates = append(candidates, s)
			}
		}
		mu.Unlock()
		if len(candidates) == 0 {
			continue
		}
		victim := candidates[rng.IntN(len(candidates))]
		mu.Lock()
		p := live[victim.Name]
		delete(live, victim.Name)
		mu.Unlock()
		killedAt := time.Now()
		p.Kill()
		rec := &killRecord{tasks: victim.CurrentTasks}
		kills = append(kills, rec)
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec.returned, rec.resumed, rec.err = watchRecovery(ctl.Base, tok["admin"], victim.ID, rec.tasks, killedAt, 2*time.Minute)
		}()
		spawn() // the replacement
	}
	counts := fleettest.WaitDrained(t, ctl.Base, tok["admin"], len(images), 10*time.Minute)
	scanTime := time.Since(scanStart)
	wg.Wait()

	if counts["done"] != len(images) || counts["failed"] != 0 {
		var failed []api.TaskView
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/tasks?state=failed", tok["admin"], nil, &failed)
		t.Fatalf("queue %v, want %d done and none failed; failed tasks: %+v", counts, len(images), failed)
	}
	checkResults(t, ctl.Base, tok["admin"], "chaos", images, want)

	var returned, resumed []time.Duration
	interrupted := 0
	for i, k := range kills {
		if k.err != nil {
			t.Errorf("kill %d: %v", i+1, k.err)
			continue
		}
		interrupted += len(k.tasks)
		returned = append(returned, k.returned)
		resumed = append(resumed, k.resumed)
	}
	// Every scanner the fleet saw is accounted for: the killed ones are
	// gone, the live ones active.
	var scs []api.Scanner
	fleettest.Do(t, "GET", ctl.Base+"/api/v1/scanners", tok["admin"], nil, &scs)
	mu.Lock()
	for _, s := range scs {
		_, alive := live[s.Name]
		switch {
		case alive && s.State != api.ScannerActive:
			t.Errorf("live scanner %s is %s", s.Name, s.State)
		case !alive && s.State == api.ScannerActive:
			t.Errorf("killed scanner %s is still active", s.Name)
		}
	}
	mu.Unlock()
	t.Logf("CHAOS scanner-kills: images=%d kills=%d scanners=%d tasks_interrupted=%d scan_time=%v "+
		"returned_p50=%v returned_max=%v resumed_p50=%v resumed_max=%v lost=0 stuck=0 failed=%d",
		len(images), len(kills), nScanners, interrupted, scanTime.Round(time.Millisecond),
		pct(returned, 50), pct(returned, 100), pct(resumed, 50), pct(resumed, 100), counts["failed"])
	if strings.Contains(logs.String(), "panic:") {
		t.Error("a process panicked")
	}
}

// watchRecovery polls the queue until none of tasks is leased by the dead
// scanner (returned) and each is leased by another scanner or done
// (resumed).
func watchRecovery(base, token, dead string, tasks []string, since time.Time, timeout time.Duration) (returned, resumed time.Duration, err error) {
	pending := slices.Clone(tasks)
	for time.Since(since) < timeout {
		var leased []api.TaskView
		if code, err := fleettest.Call("GET", base+"/api/v1/tasks?state=leased&limit=1000", token, nil, &leased); err != nil || code != 200 {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		holder := map[string]string{}
		for _, tv := range leased {
			holder[tv.ID] = tv.LeasedBy
		}
		if returned == 0 && !slices.ContainsFunc(tasks, func(id string) bool { return holder[id] == dead }) {
			returned = time.Since(since)
		}
		if returned != 0 {
			pending = slices.DeleteFunc(pending, func(id string) bool {
				if h, ok := holder[id]; ok {
					return h != dead
				}
				var tv []api.TaskView
				// Not leased: done (resumed and finished) or queued.
				code, err := fleettest.Call("GET", base+"/api/v1/tasks?state=done&limit=1000", token, nil, &tv)
				return err == nil && code == 200 && slices.ContainsFunc(tv, func(v api.TaskView) bool { return v.ID == id })
			})
			if len(pending) == 0 {
				return returned, time.Since(since), nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return returned, 0, fmt.Errorf("tasks %v of dead scanner %s not resumed within %v (returned after %v)", pending, dead, timeout, returned)
}

// pct is the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (p*len(s) + 99) / 100
	return s[max(i-1, 0)].Round(time.Millisecond)
}
