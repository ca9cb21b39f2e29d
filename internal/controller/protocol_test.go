package controller

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
)

// TestScannerProtocol walks one task through the protocol: dedup at
// enqueue, lease with credentials, a second scanner kept out, a silent
// scanner reaped and its task re-leased, a stale holder's result refused,
// the holder's result stored, and a re-crawl enqueuing nothing.
func TestScannerProtocol(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	img := oneFileImage(t, "etc/hello", "hi\n")
	imagetest.Push(t, img, host+"/team/app:1")
	digest, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}

	// A silent scanner is made by dating its last sign of life back, not by
	// sleeping past a short timeout: with a timeout of 200 ms, b itself was
	// reaped whenever a loaded machine took that long between b's
	// heartbeat and the reap.
	f := newFixture(t, Config{ScannerTimeout: time.Minute, LeaseDuration: time.Minute})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host, Username: "u"}, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 0} {
		n, err := f.c.Crawl(ctx, "r", queue.PriorityManual)
		if err != nil || n != want {
			t.Fatalf("crawl %d: enqueued %d, %v; want %d", i, n, err, want)
		}
	}

	call := func(path string, in, out any) int {
		t.Helper()
		code, body := f.do(t, "POST", path, f.scanner, mustJSON(t, in))
		if out != nil && code/100 == 2 {
			if err := json.Unmarshal(body, out); err != nil {
				t.Fatal(err)
			}
		}
		return code
	}
	var a, b api.RegisterResponse
	call("/api/v1/scanners", api.RegisterRequest{Name: "a", Concurrency: 2}, &a)
	call("/api/v1/scanners", api.RegisterRequest{Name: "b", Concurrency: 2}, &b)

	var la api.LeaseResponse
	if code := call("/api/v1/scanners/"+a.ID+"/lease", api.LeaseRequest{Max: 2}, &la); code != 200 || len(la.Tasks) != 1 {
		t.Fatalf("lease a: %d %+v", code, la)
	}
	task := la.Tasks[0]
	wantRef := host + "/team/app@" + digest.String()
	if task.Reference != wantRef || task.Username != "u" || task.Password != testPassword || !task.Insecure {
		t.Errorf("leased task %+v, want %s with credentials", task, wantRef)
	}
	var lb api.LeaseResponse
	if call("/api/v1/scanners/"+b.ID+"/lease", api.LeaseRequest{Max: 2}, &lb); len(lb.Tasks) != 0 {
		t.Fatalf("b leased a held task: %+v", lb)
	}
	rep := report.Report{SchemaVersion: report.SchemaVersion, Image: &report.Image{Reference: wantRef, Digest: digest.String()},
		Packages:        []report.Package{{Name: "p", Version: "1"}},
		Vulnerabilities: []report.Vulnerability{{ID: "GHSA-x", Aliases: []string{"CVE-2024-0001"}, Severity: "HIGH", Package: "p"}}}
	raw := mustJSON(t, rep)
	if code := call("/api/v1/tasks/"+task.ID+"/result", api.ResultRequest{Scanner: b.ID, Report: raw}, nil); code != http.StatusConflict {
		t.Errorf("result from non-holder: %d, want 409", code)
	}

	// a falls silent (its last heartbeat older than ScannerTimeout); b keeps heartbeating.
	if ok, err := f.c.store.TouchScanner(ctx, a.ID, time.Now().Add(-2*time.Minute)); err != nil || !ok {
		t.Fatalf("dating scanner a's last heartbeat back: %v, %v", ok, err)
	}
	call("/api/v1/scanners/"+b.ID+"/heartbeat", api.TaskIDs{}, nil)
	if err := f.c.reapScanners(ctx); err != nil {
		t.Fatal(err)
	}
	var hb api.HeartbeatResponse
	if code := call("/api/v1/scanners/"+a.ID+"/heartbeat", api.TaskIDs{TaskIDs: []string{task.ID}}, &hb); code != 200 || len(hb.Lost) != 1 {
		t.Errorf("heartbeat of reaped scanner: %d %+v, want the task lost", code, hb)
	}
	if call("/api/v1/scanners/"+b.ID+"/lease", api.LeaseRequest{Max: 2}, &lb); len(lb.Tasks) != 1 || lb.Tasks[0].ID != task.ID || lb.Tasks[0].Attempt != 2 {
		t.Fatalf("b after reaping a: %+v", lb)
	}
	if code := call("/api/v1/tasks/"+task.ID+"/result", api.ResultRequest{Scanner: a.ID, Report: raw}, nil); code != http.StatusConflict {
		t.Errorf("result from reaped scanner: %d, want 409", code)
	}
	if code := call("/api/v1/tasks/"+task.ID+"/result", api.ResultRequest{Scanner: b.ID, Report: raw, DurationSeconds: 1.5}, nil); code != http.StatusNoContent {
		t.Fatalf("result from holder: %d", code)
	}
	if n, err := f.c.Crawl(ctx, "r", queue.PriorityPeriodic); err != nil || n != 0 {
		t.Errorf("re-crawl after scan: enqueued %d, %v", n, err)
	}

	for _, tt := range []struct {
		query string
		want  int
	}{
		{"", 1}, {"?registry=r", 1}, {"?registry=other", 0}, {"?repository=team/app", 1},
		{"?severity=high", 1}, {"?severity=LOW", 0}, {"?cve=CVE-2024-0001", 1}, {"?cve=GHSA-x", 1}, {"?cve=CVE-1999-1", 0},
	} {
		var list []store.ImageSummary
		code, body := f.do(t, "GET", "/api/v1/images"+tt.query, f.reader, nil)
		if err := json.Unmarshal(body, &list); err != nil || code != 200 || len(list) != tt.want {
			t.Errorf("images%s: %d %s, want %d", tt.query, code, body, tt.want)
		}
	}
	if code, body := f.do(t, "GET", "/api/v1/images?severity=dire", f.reader, nil); code != http.StatusBadRequest ||
		!strings.Contains(string(body), `severity=\"dire\"`) || !strings.Contains(string(body), "CRITICAL, HIGH") {
		t.Errorf("images?severity=dire: %d %s, want 400 naming the value and the severities", code, body)
	}
	code, body := f.do(t, "GET", "/api/v1/images/"+digest.String(), f.reader, nil)
	var got report.Report
	if err := json.Unmarshal(body, &got); err != nil || code != 200 || len(got.Packages) != 1 {
		t.Errorf("image report: %d %s", code, body)
	}
	var scs []store.Scanner
	_, body = f.do(t, "GET", "/api/v1/scanners", f.reader, nil)
	if err := json.Unmarshal(body, &scs); err != nil {
		t.Fatal(err)
	}
	states := map[string]store.Scanner{}
	for _, s := range scs {
		states[s.Name] = s
	}
	if states["a"].State != store.ScannerActive || states["b"].Done != 1 {
		// a came back with its heartbeat, which makes it active again.
		t.Errorf("scanners %+v", scs)
	}
	_, body = f.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{`scanfleet_queue_tasks{state="done"} 1`, `scanfleet_scans_total{outcome="success"} 1`, "scanfleet_scan_duration_seconds_count 1", `scanfleet_scanners{state="active"} 2`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestLayerStore checks claims: the first asker of an unknown layer gets
// 404 and the claim, others get 202 until the analysis is stored.
func TestLayerStore(t *testing.T) {
	f := newFixture(t, Config{ScannerTimeout: time.Minute})
	path := "/api/v1/layers/" + all.Version() + "%2Fsha256:" + strings.Repeat("ab", 32)
	steps := []struct {
		method, query string
		body          []byte
		drop          string // scanner whose claims are dropped first (reaped)
		want          int
	}{
		{"GET", "", nil, "", http.StatusNotFound},
		{"GET", "?claim=s1/x", nil, "", http.StatusNotFound},
		{"GET", "?claim=s1/x", nil, "", http.StatusNotFound}, // the holder asking again
		{"GET", "?claim=s2/y", nil, "", http.StatusAccepted},
		{"GET", "?claim=s2/y", nil, "s1", http.StatusNotFound}, // s1 reaped: s2 claims
		{"GET", "?claim=s3/z", nil, "", http.StatusAccepted},
		{"DELETE", "?claim=s3/z", nil, "", http.StatusNoContent}, // not the holder: no effect
		{"GET", "?claim=s3/z", nil, "", http.StatusAccepted},
		{"DELETE", "?claim=s2/y", nil, "", http.StatusNoContent}, // the holder gives up
		{"GET", "?claim=s3/z", nil, "", http.StatusNotFound},
		{"GET", "?claim=s2/y", nil, "", http.StatusAccepted},
		{"PUT", "", []byte(`{"entries":1}`), "", http.StatusConflict},            // no claim
		{"PUT", "?claim=s2/y", []byte(`{"entries":1}`), "", http.StatusConflict}, // not the holder
		{"PUT", "?claim=s3/z", []byte("not json"), "", http.StatusBadRequest},
		{"PUT", "?claim=s3/z", []byte(`{"packages":[]}`), "", http.StatusBadRequest}, // not a layer.Analysis field
		{"PUT", "?claim=s3/z", []byte(`{"entries":1}`), "", http.StatusNoContent},
		{"PUT", "?claim=s3/z", []byte(`{"entries":2}`), "", http.StatusConflict}, // the claim was fulfilled: no rewrite
		{"GET", "?claim=s3/z", nil, "", http.StatusOK},
	}
	for i, s := range steps {
		if s.drop != "" {
			if _, err := f.c.store.DropLayerClaims(context.Background(), s.drop); err != nil {
				t.Fatal(err)
			}
		}
		code, body := f.do(t, s.method, path+s.query, f.scanner, s.body)
		if code != s.want {
			t.Fatalf("step %d %s%s: %d %s, want %d", i, s.method, s.query, code, body, s.want)
		}
	}
}

// TestSchedule: a registry with an interval is crawled when it never was
// or its interval has passed, and not again before.
func TestSchedule(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	img := oneFileImage(t, "etc/x", "x\n")
	imagetest.Push(t, img, host+"/a/b:1")
	f := newFixture(t, Config{})
	for _, r := range []api.Registry{
		{Name: "periodic", URL: "http://" + host, Interval: api.Duration(time.Hour)},
		{Name: "manual", URL: "http://" + host},
	} {
		if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: r}); err != nil {
			t.Fatal(err)
		}
	}
	lastCrawl := func(name string) time.Time {
		r, _, err := f.c.store.GetRegistry(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return r.LastCrawl
	}
	f.c.schedule(ctx)
	waitCrawls(t, f.c)
	first := lastCrawl("periodic")
	if first.IsZero() {
		t.Fatal("periodic registry not crawled")
	}
	if !lastCrawl("manual").IsZero() {
		t.Error("manual registry crawled by the scheduler")
	}
	counts, err := f.c.queue.Counts(ctx)
	if err != nil || counts[queue.StateQueued] != 1 {
		t.Errorf("queue after scheduled crawl: %v %v", counts, err)
	}
	f.c.schedule(ctx)
	waitCrawls(t, f.c)
	if got := lastCrawl("periodic"); !got.Equal(first) {
		t.Errorf("crawled again before the interval: %v then %v", first, got)
	}
}

// TestFailVisible: a scanner's failure is retried later and its error is
// visible in the task listing.
func TestFailVisible(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	img := oneFileImage(t, "etc/y", "y\n")
	imagetest.Push(t, img, host+"/c/d:1")
	f := newFixture(t, Config{})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Crawl(ctx, "r", queue.PriorityManual); err != nil {
		t.Fatal(err)
	}
	var reg api.RegisterResponse
	_, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s"}`))
	if err := json.Unmarshal(body, &reg); err != nil {
		t.Fatal(err)
	}
	var lr api.LeaseResponse
	_, body = f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/lease", f.scanner, []byte(`{"max":1}`))
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Tasks) != 1 {
		t.Fatalf("lease: %s", body)
	}
	id := lr.Tasks[0].ID
	if code, body := f.do(t, "POST", "/api/v1/tasks/"+id+"/fail", f.scanner, mustJSON(t, api.FailRequest{Scanner: reg.ID, Error: "boom: layer corrupt"})); code != http.StatusNoContent {
		t.Fatalf("fail: %d %s", code, body)
	}
	if code, _ := f.do(t, "POST", "/api/v1/tasks/"+id+"/fail", f.scanner, mustJSON(t, api.FailRequest{Scanner: reg.ID, Error: "again"})); code != http.StatusConflict {
		t.Errorf("second fail: %d, want 409", code)
	}
	if code, _ := f.do(t, "POST", "/api/v1/tasks/nope/fail", f.scanner, mustJSON(t, api.FailRequest{Scanner: reg.ID})); code != http.StatusNotFound {
		t.Errorf("fail of unknown task: %d, want 404", code)
	}
	var ts []api.TaskView
	_, body = f.do(t, "GET", "/api/v1/tasks?state=queued", f.reader, nil)
	if err := json.Unmarshal(body, &ts); err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].LastError != "boom: layer corrupt" || ts[0].Attempts != 1 || ts[0].NotBefore == nil || ts[0].Repository != "c/d" {
		t.Errorf("queued tasks: %s", body)
	}
	for q, want := range map[string]int{"": 200, "?state=bogus": 400, "?limit=0": 400, "?state=done&limit=5": 200} {
		if code, _ := f.do(t, "GET", "/api/v1/tasks"+q, f.reader, nil); code != want {
			t.Errorf("tasks%s: %d, want %d", q, code, want)
		}
	}
	// Backoff: the task is not runnable yet.
	_, body = f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/lease", f.scanner, []byte(`{"max":1}`))
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Tasks) != 0 {
		t.Errorf("lease during backoff: %s", body)
	}
	_, body = f.do(t, "GET", "/metrics", "", nil)
	if !strings.Contains(string(body), `scanfleet_scans_total{outcome="failure"} 1`) {
		t.Error("failure not counted in metrics")
	}
}

// TestReleaseAll: a release hands back every task the scanner holds, even
// one it does not name (its lease answer was lost to the shutdown), and
// requests of the scanner served after its release are refused.
func TestReleaseAll(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	img := oneFileImage(t, "etc/z", "z\n")
	imagetest.Push(t, img, host+"/e/f:1")
	f := newFixture(t, Config{})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Crawl(ctx, "r", queue.PriorityManual); err != nil {
		t.Fatal(err)
	}
	var reg api.RegisterResponse
	_, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s"}`))
	if err := json.Unmarshal(body, &reg); err != nil {
		t.Fatal(err)
	}
	f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/lease", f.scanner, []byte(`{"max":4}`))
	if code, body := f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/release", f.scanner, []byte(`{"task_ids":[]}`)); code != http.StatusNoContent {
		t.Fatalf("release: %d %s", code, body)
	}
	// A lease and a heartbeat the scanner sent before its release (its
	// shutdown cancelled them client-side) but that the controller serves
	// after it: neither revives the scanner nor leases it the task it
	// will never scan (before the fix both did, and the task sat leased
	// until its lease timed out).
	if code, body := f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/lease", f.scanner, []byte(`{"max":4}`)); code != http.StatusNotFound {
		t.Errorf("late lease of a stopped scanner: %d %s, want 404", code, body)
	}
	if code, body := f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/heartbeat", f.scanner, []byte(`{"task_ids":[]}`)); code != http.StatusNotFound {
		t.Errorf("late heartbeat of a stopped scanner: %d %s, want 404", code, body)
	}
	counts, err := f.c.queue.Counts(ctx)
	if err != nil || counts[queue.StateQueued] != 1 || counts[queue.StateLeased] != 0 {
		t.Errorf("after release: %v %v", counts, err)
	}
	ts, err := f.c.queue.List(ctx, queue.ListFilter{})
	if err != nil || len(ts) != 1 || ts[0].Attempts != 0 {
		t.Errorf("released task: %+v %v (a release must not count the attempt)", ts, err)
	}
	var scs []store.Scanner
	_, body = f.do(t, "GET", "/api/v1/scanners", f.reader, nil)
	if err := json.Unmarshal(body, &scs); err != nil || len(scs) != 1 || scs[0].State != store.ScannerStopped {
		t.Errorf("scanner after release: %s", body)
	}
}

// waitCrawls waits until c's store has no crawl requested or running.
func waitCrawls(t *testing.T, c *Controller) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		live, err := c.store.ListCrawls(context.Background(), store.CrawlFilter{Live: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(live) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("crawls still live after a minute: %+v", live)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
