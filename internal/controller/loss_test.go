package controller

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
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
func lossFixture(t *testing.T) (f *fixture, scanner string, task LeasedTask) {
	t.Helper()
	ctx := context.Background()
	host := imagetest.Registry(t)
	imagetest.Push(t, oneFileImage(t, "etc/l", "l\n"), host+"/l/m:1")
	f = newFixture(t, Config{})
	if err := f.c.PutRegistry(ctx, RegistryInput{Registry: Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Crawl(ctx, "r", queue.PriorityManual); err != nil {
		t.Fatal(err)
	}
	var reg RegisterResponse
	_, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s1"}`))
	if err := json.Unmarshal(body, &reg); err != nil {
		t.Fatal(err)
	}
	var lr LeaseResponse
	_, body = f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/lease", f.scanner, []byte(`{"max":1}`))
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Tasks) != 1 {
		t.Fatalf("lease: %s", body)
	}
	return f, reg.ID, lr.Tasks[0]
}

func (f *fixture) imageScans(t *testing.T, digest string) int {
	t.Helper()
	var ims []ImageSummary
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
	f.c.queue = cancelAfterComplete{Queue: f.c.queue, cancel: cancel}
	req := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/tasks/"+task.ID+"/result",
		bytes.NewReader(mustJSON(t, ResultRequest{Scanner: scanner, Report: json.RawMessage(`{}`)})))
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
	var lr LeaseResponse
	_, body := f.do(t, "POST", "/api/v1/scanners/"+scanner+"/lease", f.scanner, []byte(`{"max":1}`))
	if err := json.Unmarshal(body, &lr); err != nil || len(lr.Tasks) != 1 {
		t.Fatalf("lease: %s", body)
	}
	if code, body := f.do(t, "POST", "/api/v1/tasks/"+task.ID+"/result", f.scanner,
		mustJSON(t, ResultRequest{Scanner: scanner, Report: json.RawMessage(`{}`)})); code != http.StatusNoContent {
		t.Fatalf("post: %d %s", code, body)
	}
	if n, err := f.c.sweepResults(ctx); err != nil || n != 0 {
		t.Errorf("sweep after the result: requeued %d, %v; want 0", n, err)
	}
	if n := f.imageScans(t, task.Digest); n != 1 {
		t.Errorf("%d scans stored, want 1", n)
	}
}
