package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
)

// resultFixture is the result path over a real SQLite store and queue,
// with the exception engine on.
type resultFixture struct {
	st  store.Store
	q   queue.Queue
	c   *Protocol
	rep *report.Report // the real Alpine scan
}

func newResultFixture(tb testing.TB) *resultFixture {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	st, err := store.OpenSQLite(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	q, err := queue.OpenSQLite(ctx, filepath.Join(dir, "queue.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { q.Close() })
	if err := st.PutRegistry(ctx, store.Registry{Name: "local", URL: "http://127.0.0.1:5000"}); err != nil {
		tb.Fatal(err)
	}
	c := New(Config{Store: st, Queue: q, LeaseDuration: time.Minute, ScannerTimeout: time.Minute})
	c.SetTriage(&triage.Engine{Store: st})
	return &resultFixture{st: st, q: q, c: c, rep: reporttest.Alpine(tb)}
}

// lease enqueues and leases n tasks for scanner s1, one per image.
func (f *resultFixture) lease(tb testing.TB, n int) []queue.Task {
	tb.Helper()
	ctx := context.Background()
	tasks := make([]queue.Task, n)
	for i := range tasks {
		digest := fmt.Sprintf("sha256:%064x", i+1)
		p, _ := json.Marshal(web.TaskPayload{Registry: "local", Repository: "team/alpine", Tag: fmt.Sprint("t", i), Digest: digest,
			Reference: "127.0.0.1:5000/team/alpine@" + digest})
		tasks[i] = queue.Task{Key: "local/team/alpine@" + digest, Payload: p}
	}
	if _, err := f.q.EnqueueBatch(ctx, tasks); err != nil {
		tb.Fatal(err)
	}
	var got []queue.Task
	for len(got) < n {
		ts, err := f.q.Lease(ctx, "s1", 64, time.Hour)
		if err != nil || len(ts) == 0 {
			tb.Fatalf("leased %d of %d tasks: %v", len(got), n, err)
		}
		got = append(got, ts...)
	}
	return got
}

// post sends posted as task's result, the report's JSON as given.
func (f *resultFixture) post(tb testing.TB, task string, posted []byte) {
	tb.Helper()
	// Spliced by hand: json.Marshal would compact the report.
	body := append([]byte(`{"scanner":"s1","duration_seconds":1,"report":`), posted...)
	body = append(body, '}')
	r := httptest.NewRequest(http.MethodPost, "/api/v1/tasks/"+task+"/result", bytes.NewReader(body))
	r.SetPathValue("id", task)
	w := httptest.NewRecorder()
	if err := f.c.result(w, r); err != nil || w.Code != http.StatusNoContent {
		tb.Fatalf("result post: %d %v", w.Code, err)
	}
}

// TestResultExceptions: a posted result is stored through the
// exceptions. When one applies, its findings are suppressed in what is
// stored; when none does, the report is stored byte for byte as posted
// (the old code encoded it again: indented JSON came back compact).
func TestResultExceptions(t *testing.T) {
	const cve = "CVE-2024-9143" // two findings in the Alpine scan
	for _, c := range []struct {
		name      string
		exception *exception.Exception
		// suppressed findings of cve wanted; -1: stored byte-identical.
		wantSuppressed int
	}{
		{name: "none applies", exception: nil, wantSuppressed: -1},
		{name: "another repository's exception", exception: &exception.Exception{ID: "exc-other", Vulnerability: cve,
			Repositories: []string{"other/*"}, Reason: "r", Author: "alice", Created: time.Now()}, wantSuppressed: -1},
		{name: "one applies", exception: &exception.Exception{ID: "exc-1", Vulnerability: cve, Repositories: []string{"team/*"},
			Reason: "not reachable", Author: "alice", Created: time.Now()}, wantSuppressed: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newResultFixture(t)
			ctx := context.Background()
			if c.exception != nil {
				if _, err := f.st.PutException(ctx, *c.exception, "alice", time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			if n := countID(f.rep.Vulnerabilities, cve); n != 2 {
				t.Fatalf("the Alpine scan has %d findings of %s, want 2", n, cve)
			}
			posted, err := json.MarshalIndent(f.rep, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			task := f.lease(t, 1)[0]
			f.post(t, task.ID, posted)

			var p web.TaskPayload
			_ = json.Unmarshal(task.Payload, &p)
			raw, ok, err := f.st.Report(ctx, store.ImageKey{Registry: p.Registry, Repository: p.Repository, Digest: p.Digest})
			if err != nil || !ok {
				t.Fatalf("stored report: %v %v", ok, err)
			}
			var stored report.Report
			if err := json.Unmarshal(raw, &stored); err != nil {
				t.Fatal(err)
			}
			if c.wantSuppressed < 0 {
				if !bytes.Equal(raw, posted) {
					t.Fatalf("stored report (%d bytes) differs from the posted one (%d bytes)", len(raw), len(posted))
				}
				return
			}
			sup := 0
			for _, s := range stored.Suppressed {
				if s.Exception == c.exception.ID && s.Vulnerability.ID == cve {
					sup++
				}
			}
			if sup != c.wantSuppressed || countID(stored.Vulnerabilities, cve) != 0 {
				t.Fatalf("stored: %d findings of %s suppressed by %s (want %d), %d still counted", sup, cve, c.exception.ID,
					c.wantSuppressed, countID(stored.Vulnerabilities, cve))
			}
			if len(stored.Vulnerabilities) != len(f.rep.Vulnerabilities)-c.wantSuppressed {
				t.Fatalf("stored %d findings, want %d", len(stored.Vulnerabilities), len(f.rep.Vulnerabilities)-c.wantSuppressed)
			}
		})
	}
}

func countID(vs []report.Vulnerability, id string) int {
	n := 0
	for _, v := range vs {
		if v.ID == id {
			n++
		}
	}
	return n
}

// BenchmarkResultPost is the controller's whole result post (decode,
// exceptions, group-committed store write, completion) on SQLite, with
// the exception engine on and one exception that does not apply, for
// the real Alpine scan. One post at a time.
func BenchmarkResultPost(b *testing.B) {
	f := newResultFixture(b)
	x := exception.Exception{ID: "exc-other", Vulnerability: "CVE-2024-9143", Repositories: []string{"other/*"}, Reason: "r",
		Author: "alice", Created: time.Now()}
	if _, err := f.st.PutException(context.Background(), x, "alice", time.Now()); err != nil {
		b.Fatal(err)
	}
	posted, _ := json.Marshal(f.rep)
	tasks := f.lease(b, b.N)
	b.SetBytes(int64(len(posted)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.post(b, tasks[i].ID, posted)
	}
}

// TestResultBadReport: a post whose report is missing, null or not an
// object is refused with 400 naming the task, and nothing is stored.
func TestResultBadReport(t *testing.T) {
	f := newResultFixture(t)
	ctx := context.Background()
	tasks := f.lease(t, 4)
	for i, body := range []string{
		`{"scanner":"s1"}`,
		`{"scanner":"s1","report":null}`,
		`{"scanner":"s1","report":[]}`,
		`{"scanner":"s1","report":{"packages":"x"}}`,
	} {
		t.Run(body, func(t *testing.T) {
			task := tasks[i].ID
			r := httptest.NewRequest(http.MethodPost, "/api/v1/tasks/"+task+"/result", strings.NewReader(body))
			r.SetPathValue("id", task)
			err := f.c.result(httptest.NewRecorder(), r)
			if web.StatusOf(err) != http.StatusBadRequest || !strings.Contains(err.Error(), task) {
				t.Fatalf("err %v (status %d), want 400 naming task %s", err, web.StatusOf(err), task)
			}
		})
	}
	ims, err := f.st.ListImages(ctx, store.ImageFilter{})
	if err != nil || len(ims) != 0 {
		t.Fatalf("stored %d images (%v), want none", len(ims), err)
	}
}
