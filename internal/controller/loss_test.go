package controller

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
)

// cancelAfterComplete is the queue with one fault: right after a task is
// completed, the request that completed it is cancelled, as when the
// scanner posting a result is SIGKILLed mid-request.
type cancelAfterComplete struct {
	queue.Queue
	cancel context.CancelFunc
}

func (q cancelAfterComplete) Complete(ctx context.Context, worker, id string) error {
	err := q.Queue.Complete(ctx, worker, id)
	q.cancel()
	return err
}

// lossFixture is a controller with one crawled one-image registry and a
// registered scanner holding that image's task.
func lossFixture(t *testing.T) (f *fixture, scanner string, task api.LeasedTask) {
	t.Helper()
	ctx := context.Background()
	host := imagetest.Registry(t)
	imagetest.Push(t, oneFileImage(t, "etc/l", "l\n"), host+"/l/m:1")
	// The queue behind a switch, so a test can interpose on it later.
	sw := &switchQueue{}
	f = newFixture(t, Config{wrapQueue: func(q queue.Queue) queue.Queue { sw.Queue = q; return sw }})
	f.sw = sw
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Crawl(ctx, "r", queue.PriorityManual); err != nil {
		t.Fatal(err)
	}
	var reg api.RegisterResponse
	_, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s1"}`))
	if err := json.Unmarshal(body, &reg); err != nil {
		t.Fatal(err)
	}
	var lr api.LeaseResponse
	_, body = f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/lease", f.scanner, []byte(`{"max":1}`))
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Tasks) != 1 {
		t.Fatalf("lease: %s", body)
	}
	return f, reg.ID, lr.Tasks[0]
}

func (f *fixture) imageScans(t *testing.T, digest string) int {
	t.Helper()
	var ims []store.ImageSummary
	_, body := f.do(t, "GET", "/api/v1/images", f.reader, nil)
	if err := json.Unmarshal(body, &ims); err != nil {
		t.Fatal(err)
	}
	for _, im := range ims {
		if im.Digest == digest {
			return im.Scans
		}
	}
	return 0
}

// Issue 15, window 1: a scanner killed while its result post is being
// handled must not leave the task done without a result. On the code
// before the fix the queue completed the task and the result store then
// failed with "context canceled".
func TestResultStoredWhenPosterDies(t *testing.T) {
	f, scanner, task := lossFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.sw.Queue = cancelAfterComplete{Queue: f.sw.Queue, cancel: cancel}
	req := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/tasks/"+task.ID+"/result",
		bytes.NewReader(mustJSON(t, api.ResultRequest{Scanner: scanner, Report: json.RawMessage(`{}`)})))
	req.Header.Set("Authorization", "Bearer "+f.scanner)
	rec := httptest.NewRecorder()
	f.c.Handler().ServeHTTP(rec, req)
	t.Logf("post: %d %s", rec.Code, rec.Body)
	st, err := f.c.queue.Get(context.Background(), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.imageScans(t, task.Digest); st.State == queue.StateDone && n != 1 {
		t.Fatalf("task %s is done with %d stored results, want 1", task.ID, n)
	}
}

// The sweep finds a task done without a result (however it came about)
// and queues it again, once; a task whose result is stored, or whose
// registry was deleted, is left alone.
func TestSweepRequeuesDoneWithoutResult(t *testing.T) {
	ctx := context.Background()
	f, scanner, task := lossFixture(t)
	if err := f.c.queue.Complete(ctx, scanner, task.ID); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		want queue.State
	}{
		{"done without a result", queue.StateQueued},
		{"already queued again", queue.StateQueued},
	}
	for _, s := range steps {
		n, err := f.c.sweepResults(ctx)
		if err != nil {
			t.Fatalf("%s: sweep: %v", s.name, err)
		}
		got, err := f.c.queue.Get(ctx, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: requeued %d, state %s, last error %q", s.name, n, got.State, got.LastError)
		if got.State != s.want {
			t.Errorf("%s: state %s, want %s", s.name, got.State, s.want)
		}
	}
	// Leased again and posted properly: nothing left to repair.
	var lr api.LeaseResponse
	_, body := f.do(t, "POST", "/api/v1/scanners/"+scanner+"/lease", f.scanner, []byte(`{"max":1}`))
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Tasks) != 1 {
		t.Fatalf("lease: %s", body)
	}
	if code, body := f.do(t, "POST", "/api/v1/tasks/"+task.ID+"/result", f.scanner,
		mustJSON(t, api.ResultRequest{Scanner: scanner, Report: json.RawMessage(`{}`)})); code != http.StatusNoContent {
		t.Fatalf("post: %d %s", code, body)
	}
	if n, err := f.c.sweepResults(ctx); err != nil || n != 0 {
		t.Errorf("sweep after the result: requeued %d, %v; want 0", n, err)
	}
	if n := f.imageScans(t, task.Digest); n != 1 {
		t.Errorf("%d scans stored, want 1", n)
	}
}

// Issue 15, window 3: a scanner restarted under the same name releases
// its predecessor's leases at once (the predecessor is dead: a name is one
// process at a time). On the code before the fix the task stayed leased
// to the dead instance until ScannerTimeout.
func TestReRegisterReleasesPredecessor(t *testing.T) {
	ctx := context.Background()
	f, old, task := lossFixture(t) // old is registered as "s1"
	var reg api.RegisterResponse
	code, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s1"}`))
	if err := json.Unmarshal(body, &reg); err != nil || code != http.StatusCreated {
		t.Fatalf("re-register: %d %s", code, body)
	}
	got, err := f.c.queue.Get(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != queue.StateQueued || got.LeasedBy != "" {
		t.Fatalf("predecessor's task: state %s held by %q, want queued at once", got.State, got.LeasedBy)
	}
	scs, err := f.c.store.ListScanners(ctx, store.ScannerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scs {
		want := store.ScannerActive
		if sc.ID == old {
			want = store.ScannerGone
		}
		if sc.State != want {
			t.Errorf("scanner %s (%s): state %s, want %s", sc.ID, sc.Name, sc.State, want)
		}
	}
	// Another name replaces nobody.
	if code, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s2"}`)); code != http.StatusCreated {
		t.Fatalf("register s2: %d %s", code, body)
	}
	if scs, _ := f.c.store.ListScanners(ctx, store.ScannerFilter{State: store.ScannerActive}); len(scs) != 2 {
		t.Errorf("%d active scanners after s2 registered, want 2", len(scs))
	}
}

// The default timing notices an unannounced death within 10 s: the
// timeout plus the reaper's tick, with heartbeats frequent enough that
// several may be lost before a live scanner is taken for dead.
func TestDefaultDeathDetection(t *testing.T) {
	f := newFixture(t, Config{})
	var reg api.RegisterResponse
	_, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"d"}`))
	if err := json.Unmarshal(body, &reg); err != nil {
		t.Fatal(err)
	}
	timeout := f.c.cfg.ScannerTimeout
	reapTick := min(max(timeout/8, 50*time.Millisecond), time.Second)
	if worst := timeout + reapTick; worst > 10*time.Second {
		t.Errorf("worst-case detection %v (timeout %v + reaper tick %v), want <= 10s", worst, timeout, reapTick)
	}
	hb := time.Duration(reg.HeartbeatSeconds * float64(time.Second))
	if hb <= 0 || timeout/hb < 3 {
		t.Errorf("heartbeat every %v within a %v timeout: want at least 3 per timeout", hb, timeout)
	}
}

// Issue 15, window 4: the fleet-wide layer store takes an analysis only
// from the claim holder and only in layer.Analysis's shape, and an entry
// that does not decode is a miss, never an empty layer. On the code
// before the fix a scanner token's PUT of {"x":1} answered 204 and was
// served back as a layer with no packages.
func TestLayerStoreIntegrity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Config{})
	key := all.Version() + "/sha256:" + strings.Repeat("cd", 32)
	path := "/api/v1/layers/" + url.PathEscape(key)
	steps := []struct {
		name, method, query, body string
		want                      int
		wantIn                    string // in the answer
	}{
		{"unclaimed rewrite", "PUT", "", `{"x":1}`, http.StatusConflict, "not claimed"},
		{"claim on a miss", "GET", "?claim=s1/a", "", http.StatusNotFound, ""},
		{"unknown key", "PUT", "?claim=s1/a", `{"x":1}`, http.StatusBadRequest, `unknown field \"x\"`},
		{"trailing data", "PUT", "?claim=s1/a", `{"entries":1} {}`, http.StatusBadRequest, "after the JSON value"},
		{"unknown analyzer", "PUT", "?claim=s1/a", `{"files":[{"path":"etc/x","analyzer":"nope","error":"e"}]}`, http.StatusBadRequest, "unknown analyzer"},
		{"other analyzer set", "PUT", "?claim=s1/a", "", http.StatusBadRequest, "not this controller's"},
		{"still a miss", "GET", "?claim=s1/a", "", http.StatusNotFound, ""},
	}
	for _, s := range steps {
		p := path
		if s.name == "other analyzer set" {
			p = "/api/v1/layers/" + url.PathEscape("zz/sha256:"+strings.Repeat("cd", 32))
		}
		code, body := f.do(t, s.method, p+s.query, f.scanner, []byte(s.body))
		if code != s.want || !strings.Contains(string(body), s.wantIn) {
			t.Errorf("%s: %d %s, want %d with %q", s.name, code, body, s.want, s.wantIn)
		}
	}
	// A corrupt stored entry (a disk fault, an older controller without
	// these checks) is a miss that the asker claims, and the new analysis
	// replaces it.
	for _, corrupt := range []string{`{"x":1}`, `{"entries":`, `null garbage`} {
		if _, err := f.c.store.ExpireLayerClaims(ctx, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := f.c.store.PutLayer(ctx, key, []byte(corrupt)); err != nil {
			t.Fatal(err)
		}
		if code, body := f.do(t, "GET", path+"?claim=s2/b", f.scanner, nil); code != http.StatusNotFound {
			t.Errorf("corrupt entry %s: GET %d %s, want 404 (a miss, claimed)", corrupt, code, body)
			continue
		}
		if code, body := f.do(t, "PUT", path+"?claim=s2/b", f.scanner, []byte(`{"entries":3,"bytes":10}`)); code != http.StatusNoContent {
			t.Errorf("corrupt entry %s: PUT %d %s, want 204", corrupt, code, body)
		}
		if code, body := f.do(t, "GET", path, f.scanner, nil); code != http.StatusOK || !strings.Contains(string(body), `"entries":3`) {
			t.Errorf("corrupt entry %s: after the new analysis GET %d %s", corrupt, code, body)
		}
	}
}

// switchQueue is the controller's queue as lossFixture wires it: a test
// replaces the queue behind it (with one that interposes on some calls)
// while every part of the controller keeps using the switch. Set it only
// between requests.
type switchQueue struct{ queue.Queue }
