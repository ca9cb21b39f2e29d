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

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestFleetLosesNothing is issue 15's acceptance test, on SQLite and
// PostgreSQL queues: SCANFLEET_CHAOS_LOSS_IMAGES images (300) sharing
// three bases, scanned by SCANFLEET_CHAOS_LOSS_SCANNERS scanner processes
// (4) while scanners are SIGKILLed at random moments (whatever they are
// doing: downloading, writing the layer store, posting a result),
// SCANFLEET_CHAOS_LOSS_KILLS times (50), each restarted under the same
// name, and the controller is SIGKILLed SCANFLEET_CHAOS_LOSS_CONTROLLER_KILLS
// times (2), the first while its crawl runs (asserted: the restarted
// controller resumes the interrupted crawl). End state: every image has
// exactly one result, equal to a standalone scan of it; nothing queued,
// leased or failed; one task per image. Logged (CHAOS line): the requeue
// time of the tasks a killed scanner held, and the blob GETs that reached
// the registry beyond one per distinct blob.
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
	blobs := &blobCounter{}
	proxy := countingSlowProxy(t, host, envDuration(t, "SCANFLEET_CHAOS_BLOB_DELAY", 150*time.Millisecond), blobs)
	data := filepath.Join(t.TempDir(), "data")
	tok := createTokens(t, bin, data, "admin", "scanner")
	admin := tok["admin"]
	logs := &testutil.SyncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	flags := append([]string{"--lease", "30s"}, extra...)
	ctl := startController(t, bin, data, "127.0.0.1:0", logs, flags...)
	reg := api.RegistryInput{Registry: api.Registry{Name: "loss", URL: "http://" + proxy, Filters: []string{ns + "/**"}}}
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries", admin, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	var (
		mu       sync.Mutex
		live     = map[string]*fleettest.Proc{}
		requeues []*requeueRecord
		watchers sync.WaitGroup
	)
	for i := range nScanners {
		name := fmt.Sprintf("loss-%d", i)
		live[name] = startScanner(t, bin, ctl.Base, tok["scanner"], name, 2, logs)
	}
	start := time.Now()
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries/loss/scan", admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}
	// Controller kill 1: mid-crawl. The crawl enqueues in batches of 100
	// as it goes, so once the first tasks are queued it is running and
	// has images left to list (when there are more than 100); the kill
	// lands a random moment after that.
	if len(images) > crawlBatch {
		waitQueued(t, ctl.Base, admin, time.Minute)
	}
	time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
	crawlEnded := strings.Contains(logs.String(), "crawled registry")
	ctl.Kill()
	ctl = startController(t, bin, data, ctl.Addr, logs, flags...)
	ctlKills := 1
	// The request outlived the controller: the restarted one takes over
	// the crawl its predecessor had started (its second attempt).
	switch {
	case crawlEnded:
		t.Errorf("the crawl had ended before the first controller kill: it did not land mid-crawl")
	case !logShows(logs, crawlResumedLines, 30*time.Second):
		t.Errorf("no %q within 30 s of the restart: the first controller kill did not interrupt a started crawl", crawlResumedLines)
	}

	kills := 0
	for kills < nKills || ctlKills < nCtlKills {
		time.Sleep(time.Duration(50+rng.IntN(250)) * time.Millisecond)
		var c map[string]int
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/queue", admin, nil, &c)
		if c["queued"] == 0 && c["leased"] == 0 && c["done"] >= len(images) {
			break // drained: the fleet outran the monkey (reported below)
		}
		// The other controller kills are spread over the scanner kills
		// (with 2: one halfway).
		if ctlKills < nCtlKills && kills >= ctlKills*nKills/nCtlKills {
			ctl.Kill()
			time.Sleep(time.Duration(rng.IntN(1000)) * time.Millisecond)
			ctl = startController(t, bin, data, ctl.Addr, logs, flags...)
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
		var scs []api.Scanner
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/scanners", admin, nil, &scs)
		var leased []api.TaskView
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/tasks?state=leased&limit=1000", admin, nil, &leased)
		worn := map[string]bool{}
		for _, tv := range leased {
			if tv.Attempts >= 3 {
				worn[tv.LeasedBy] = true
			}
		}
		name := fmt.Sprintf("loss-%d", rng.IntN(nScanners))
		if slices.ContainsFunc(scs, func(s api.Scanner) bool { return s.Name == name && worn[s.ID] }) {
			continue
		}
		mu.Lock()
		p := live[name]
		mu.Unlock()
		killedAt := time.Now()
		p.Kill()
		kills++
		// What the dead instance held, read before its replacement
		// starts: the requeue time is until none of it is leased to the
		// dead instance any more.
		if i := slices.IndexFunc(scs, func(s api.Scanner) bool { return s.Name == name && s.State == api.ScannerActive }); i >= 0 {
			if held := leasedBy(ctl.Base, admin, scs[i].ID); len(held) > 0 {
				rec := &requeueRecord{}
				requeues = append(requeues, rec)
				watchers.Add(1)
				go func() {
					defer watchers.Done()
					rec.after, rec.err = watchRequeue(ctl.Base, admin, scs[i].ID, held, killedAt, 2*time.Minute)
				}()
			}
		}
		// Restarted under the same name: it releases its predecessor's
		// tasks as it registers.
		np := startScanner(t, bin, ctl.Base, tok["scanner"], name, 2, logs)
		mu.Lock()
		live[name] = np
		mu.Unlock()
	}
	counts := fleettest.WaitDrained(t, ctl.Base, admin, len(images), 5*time.Minute)
	elapsed := time.Since(start)
	watchers.Wait()
	var requeued []time.Duration
	for i, r := range requeues {
		if r.err != nil {
			t.Errorf("kill with tasks %d: %v", i+1, r.err)
			continue
		}
		requeued = append(requeued, r.after)
	}
	if kills < nKills || ctlKills < nCtlKills {
		t.Errorf("the scan drained after %d/%d scanner kills and %d/%d controller kills: raise SCANFLEET_CHAOS_BLOB_DELAY", kills, nKills, ctlKills, nCtlKills)
	}
	if counts["done"] != len(images) || counts["failed"] != 0 {
		var failed []api.TaskView
		fleettest.Do(t, "GET", ctl.Base+"/api/v1/tasks?state=failed", admin, nil, &failed)
		t.Fatalf("queue %v, want %d done and none failed; failed: %+v", counts, len(images), failed)
	}
	// One task per image: no duplicate was queued by the resumed crawl
	// or the result sweep.
	var done []api.TaskView
	fleettest.Do(t, "GET", ctl.Base+"/api/v1/tasks?state=done&limit=1000", admin, nil, &done)
	keys := map[string]bool{}
	for _, tv := range done {
		if keys[tv.Key] {
			t.Errorf("two done tasks for %s", tv.Key)
		}
		keys[tv.Key] = true
	}
	checkResults(t, ctl.Base, admin, "loss", images, want)
	// Extra blob fetches: GETs that reached the registry beyond one per
	// distinct blob (a killed download fetched again, a task rescanned
	// after its scanner died). Layer dedup makes it 0 when nothing fails.
	total, unique := blobs.counts()
	all := logs.String()
	t.Logf("CHAOS fleet-loss %s: images=%d scanner_kills=%d controller_kills=%d time=%v lost=0 duplicates=0 failed=0 "+
		"crawl_resumed=%d kills_with_tasks=%d requeue_p50=%v requeue_p95=%v requeue_max=%v "+
		"blob_gets=%d unique_blobs=%d extra_blob_gets=%d repeat_posts_uncounted=%d done_at_lease=%d",
		t.Name(), len(images), kills, ctlKills, elapsed.Round(time.Millisecond), countAny(all, crawlResumedLines),
		len(requeued), pct(requeued, 50), pct(requeued, 95), pct(requeued, 100),
		total, unique, total-unique, strings.Count(all, "result already stored for this task"),
		strings.Count(all, "completed without scanning it again"))
	if strings.Contains(logs.String(), "panic:") {
		t.Error("a process panicked")
	}
}

// crawlBatch is the controller's default CrawlBatch: a crawl enqueues its
// tasks this many at a time.
const crawlBatch = 100

// waitQueued waits until the queue holds a task in any state: the crawl
// has enqueued its first batch.
func waitQueued(t *testing.T, base, token string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var c map[string]int
		if code, err := fleettest.Call("GET", base+"/api/v1/queue", token, nil, &c); err == nil && code == http.StatusOK &&
			c["queued"]+c["leased"]+c["done"]+c["failed"] > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no task queued within %v of the crawl request", timeout)
}

// crawlResumedLines are the controller's log lines for a crawl request
// resumed by a restarted controller: the crawl_requests wording, and the
// shared store's (a crawl taken over on its next attempt).
var crawlResumedLines = []string{"crawl resumed after an interruption", "crawl taken over from a runner that stopped"}

// logShows waits until logs hold one of lines, and reports whether they did.
func logShows(logs *testutil.SyncBuffer, lines []string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if countAny(logs.String(), lines) > 0 {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// countAny counts the occurrences of lines in s.
func countAny(s string, lines []string) int {
	n := 0
	for _, l := range lines {
		n += strings.Count(s, l)
	}
	return n
}

// leasedBy lists the tasks leased to scanner id (nil when the controller
// cannot say).
func leasedBy(base, token, id string) []string {
	var leased []api.TaskView
	if code, err := fleettest.Call("GET", base+"/api/v1/tasks?state=leased&limit=1000", token, nil, &leased); err != nil || code != http.StatusOK {
		return nil
	}
	var out []string
	for _, tv := range leased {
		if tv.LeasedBy == id {
			out = append(out, tv.ID)
		}
	}
	return out
}

// requeueRecord is how long a killed scanner's tasks took to leave it.
type requeueRecord struct {
	after time.Duration
	err   error
}

// watchRequeue polls the leased tasks until none of tasks is leased to the
// dead scanner (back in the queue, or already retaken or done), and
// returns the time since it was killed. Polls that fail (the controller
// is being restarted) are retried.
func watchRequeue(base, token, dead string, tasks []string, since time.Time, timeout time.Duration) (time.Duration, error) {
	for time.Since(since) < timeout {
		var leased []api.TaskView
		if code, err := fleettest.Call("GET", base+"/api/v1/tasks?state=leased&limit=1000", token, nil, &leased); err == nil && code == http.StatusOK {
			if !slices.ContainsFunc(leased, func(tv api.TaskView) bool { return tv.LeasedBy == dead && slices.Contains(tasks, tv.ID) }) {
				return time.Since(since), nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("tasks %v of killed scanner %s still leased to it after %v", tasks, dead, timeout)
}

// blobCounter counts the blob GETs that reached the registry, in all and
// per distinct blob.
type blobCounter struct {
	mu    sync.Mutex
	total int
	seen  map[string]bool
}

func (b *blobCounter) add(path string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	b.total++
	b.seen[path[strings.LastIndex(path, "/")+1:]] = true
}

func (b *blobCounter) counts() (total, unique int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total, len(b.seen)
}
