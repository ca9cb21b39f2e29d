package controller

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/queue"
)

// hookQueue is the queue with a step run once inside the result handler:
// right after it reads the task (before the result is stored), or right
// before it completes the task (after the result is stored).
type hookQueue struct {
	queue.Queue
	afterGet, beforeComplete func()
	// fired makes the hook run once; calls made meanwhile (the hook's own
	// requests reach the queue too) pass straight through.
	fired *atomic.Bool
}

func (q hookQueue) Get(ctx context.Context, id string) (queue.Task, error) {
	t, err := q.Queue.Get(ctx, id)
	if q.afterGet != nil && q.fired.CompareAndSwap(false, true) {
		q.afterGet()
	}
	return t, err
}

func (q hookQueue) Complete(ctx context.Context, worker, id string) error {
	if q.beforeComplete != nil && q.fired.CompareAndSwap(false, true) {
		q.beforeComplete()
	}
	return q.Queue.Complete(ctx, worker, id)
}

// Issue 15, the chaos test's "scans 2" on PostgreSQL: a scanner SIGKILLed
// while its result post is handled is replaced by a new instance of the
// same name, whose registration hands the dead one's task back while the
// post is still storing. The result is stored, completing then finds the
// lease gone, and the task was leased and scanned again: the image ended
// with two results of one task. Now a task whose image has a result
// stored since it was queued is completed at lease time instead of handed
// out, and a task's result is stored (and counted) once. Both
// interleavings store two scans on the code before the fix.
func TestResultOncePerTaskWhenPosterReplaced(t *testing.T) {
	cases := []struct {
		name string
		// stored: the hook runs after the old post stored its result
		// (before completing); otherwise after it read the task, before
		// storing, so the replacement can lease the task first.
		stored bool
		// handed: tasks the replacement gets. Once the result is stored
		// the task is done and is not handed out again; before, the
		// replacement gets it, scans it, and its post is a repeat.
		handed int
	}{
		{name: "replacement registers after the result is stored", stored: true, handed: 0},
		{name: "replacement leases the task before the result is stored", stored: false, handed: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f, old, task := lossFixture(t) // old is registered as "s1" and holds task
			var replacement string
			var held []api.LeasedTask
			lease := func() {
				var lr api.LeaseResponse
				code, body := f.do(t, "POST", "/api/v1/scanners/"+replacement+"/lease", f.scanner, []byte(`{"max":4}`))
				if err := json.Unmarshal(body, &lr); err != nil || code != http.StatusOK {
					t.Errorf("lease by the replacement: %d %s", code, body)
				}
				held = append(held, lr.Tasks...)
			}
			// The killed scanner's replacement registers under its name
			// (releasing its tasks) and asks for work.
			replace := func() {
				var reg api.RegisterResponse
				code, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, []byte(`{"name":"s1"}`))
				if err := json.Unmarshal(body, &reg); err != nil || code != http.StatusCreated {
					t.Errorf("re-register: %d %s", code, body)
					return
				}
				replacement = reg.ID
				lease()
			}
			hq := hookQueue{Queue: f.sw.Queue, fired: &atomic.Bool{}}
			if tc.stored {
				hq.beforeComplete = replace
			} else {
				hq.afterGet = replace
			}
			f.sw.Queue = hq
			// The dead scanner's post, fully received before it died.
			code, body := f.do(t, "POST", "/api/v1/tasks/"+task.ID+"/result", f.scanner,
				mustJSON(t, api.ResultRequest{Scanner: old, Report: json.RawMessage(`{}`)}))
			t.Logf("post by the replaced scanner: %d %s", code, body)
			if replacement == "" {
				t.Fatal("the replacement never registered")
			}
			// The replacement works as a scanner does: it asks again and
			// scans and posts whatever it holds.
			lease()
			for _, lt := range held {
				code, body := f.do(t, "POST", "/api/v1/tasks/"+lt.ID+"/result", f.scanner,
					mustJSON(t, api.ResultRequest{Scanner: replacement, Report: json.RawMessage(`{}`)}))
				t.Logf("post by the replacement for %s: %d %s", lt.ID, code, body)
				if code != http.StatusNoContent {
					t.Errorf("post by the replacement for %s: %d %s, want 204", lt.ID, code, body)
				}
			}
			if len(held) != tc.handed {
				t.Errorf("%d tasks handed to the replacement, want %d", len(held), tc.handed)
			}
			got, err := f.c.queue.Get(ctx, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != queue.StateDone {
				t.Errorf("task %s: state %s, want done", task.ID, got.State)
			}
			if n := f.imageScans(t, task.Digest); n != 1 {
				t.Errorf("image stored %d times (scans), want 1: one task, one result", n)
			}
			counts, err := f.c.queue.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts[queue.StateQueued] != 0 || counts[queue.StateLeased] != 0 || counts[queue.StateDone] != 1 {
				t.Errorf("queue %v, want the one task done", counts)
			}
		})
	}
}
